// Package config reads the deploy settings of a site from signpost.toml,
// the environment and command-line flags, in that order of precedence:
// a flag given on the command line wins over an environment variable, which
// wins over the file.
//
//	# signpost.toml
//	[deploy]
//	mode = "s3"                      # s3, lambda-edge or cloudfront-function
//	rules = "redirects.json"
//	bucket = "example-site-config"
//	key = "config/redirects.json"
//	region = "us-east-1"
//	distributions = ["E2EXAMPLE1234"]
//	function = "site-redirects"      # lambda-edge and cloudfront-function
//	cache_behavior = "*"             # lambda-edge: the path pattern, * for the default
//	trigger = "origin-response"      # lambda-edge
//	kvs_arn = ""                     # cloudfront-function
//	max_invalidation_paths = 500
//	max_delete_share = 0.5
//	case_insensitive = false         # match paths regardless of case, as check --case-insensitive
//	hsts_max_age = 63072000          # the edge code's security headers, as build's flags
//	hsts_include_subdomains = false
//	hsts_preload = false
//	no_hsts = false
//	headers = ["X-Content-Type-Options: nosniff"]
//
// Each key has an environment variable: SIGNPOST_MODE, SIGNPOST_RULES,
// SIGNPOST_BUCKET, SIGNPOST_KEY, SIGNPOST_REGION, SIGNPOST_DISTRIBUTIONS
// (comma-separated), SIGNPOST_FUNCTION, SIGNPOST_CACHE_BEHAVIOR,
// SIGNPOST_TRIGGER, SIGNPOST_KVS_ARN, SIGNPOST_MAX_INVALIDATION_PATHS,
// SIGNPOST_MAX_DELETE_SHARE and SIGNPOST_CASE_INSENSITIVE (true or false).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// DefaultFile is the configuration file looked for in the working
// directory.
const DefaultFile = "signpost.toml"

// Deploy holds the settings of the [deploy] table.
type Deploy struct {
	Mode                 string   `toml:"mode"`
	Rules                string   `toml:"rules"`
	Bucket               string   `toml:"bucket"`
	Key                  string   `toml:"key"`
	Region               string   `toml:"region"`
	Distributions        []string `toml:"distributions"`
	Function             string   `toml:"function"`
	CacheBehavior        string   `toml:"cache_behavior"`
	Trigger              string   `toml:"trigger"`
	KVSARN               string   `toml:"kvs_arn"`
	MaxInvalidationPaths int      `toml:"max_invalidation_paths"`
	MaxDeleteShare       float64  `toml:"max_delete_share"`
	// The switches are pointers: nil is "not given", so that a later
	// layer's false overrides an earlier true.
	CaseInsensitive *bool `toml:"case_insensitive"`

	// The security headers the edge code adds (modes lambda-edge and
	// cloudfront-function), as build's --hsts-* and --header flags.
	HSTSMaxAge            int      `toml:"hsts_max_age"`
	HSTSIncludeSubDomains *bool    `toml:"hsts_include_subdomains"`
	HSTSPreload           *bool    `toml:"hsts_preload"`
	NoHSTS                *bool    `toml:"no_hsts"`
	Headers               []string `toml:"headers"`
}

type file struct {
	Deploy Deploy `toml:"deploy"`
}

// Load reads path. A missing file is no error when optional is true (the
// default file need not exist). Unknown keys are errors, named with the
// file and line, so that a typo does not silently fall back to a default.
func Load(path string, optional bool) (Deploy, error) {
	var f file
	md, err := toml.DecodeFile(path, &f)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return Deploy{}, nil
		}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return Deploy{}, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return Deploy{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		var names []string
		for _, k := range und {
			names = append(names, k.String())
		}
		return Deploy{}, fmt.Errorf("%s: unknown setting %s", path, strings.Join(names, ", "))
	}
	return f.Deploy, nil
}

// FromEnv reads the SIGNPOST_* variables.
func FromEnv(getenv func(string) string) (Deploy, error) {
	d := Deploy{
		Mode: getenv("SIGNPOST_MODE"), Rules: getenv("SIGNPOST_RULES"), Bucket: getenv("SIGNPOST_BUCKET"),
		Key: getenv("SIGNPOST_KEY"), Region: getenv("SIGNPOST_REGION"), Function: getenv("SIGNPOST_FUNCTION"),
		CacheBehavior: getenv("SIGNPOST_CACHE_BEHAVIOR"), Trigger: getenv("SIGNPOST_TRIGGER"), KVSARN: getenv("SIGNPOST_KVS_ARN"),
	}
	if v := getenv("SIGNPOST_DISTRIBUTIONS"); v != "" {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				d.Distributions = append(d.Distributions, id)
			}
		}
	}
	if v := getenv("SIGNPOST_MAX_INVALIDATION_PATHS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return d, fmt.Errorf("SIGNPOST_MAX_INVALIDATION_PATHS=%q is not a positive number", v)
		}
		d.MaxInvalidationPaths = n
	}
	if v := getenv("SIGNPOST_CASE_INSENSITIVE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return d, fmt.Errorf("SIGNPOST_CASE_INSENSITIVE=%q is not true or false", v)
		}
		d.CaseInsensitive = &b
	}
	if v := getenv("SIGNPOST_MAX_DELETE_SHARE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1 {
			return d, fmt.Errorf("SIGNPOST_MAX_DELETE_SHARE=%q is not a share between 0 and 1", v)
		}
		d.MaxDeleteShare = f
	}
	return d, nil
}

// Over returns d with every setting that o has overriding it.
func (d Deploy) Over(o Deploy) Deploy {
	str := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	str(&d.Mode, o.Mode)
	str(&d.Rules, o.Rules)
	str(&d.Bucket, o.Bucket)
	str(&d.Key, o.Key)
	str(&d.Region, o.Region)
	str(&d.Function, o.Function)
	str(&d.CacheBehavior, o.CacheBehavior)
	str(&d.Trigger, o.Trigger)
	str(&d.KVSARN, o.KVSARN)
	if len(o.Distributions) > 0 {
		d.Distributions = o.Distributions
	}
	if o.MaxInvalidationPaths != 0 {
		d.MaxInvalidationPaths = o.MaxInvalidationPaths
	}
	if o.MaxDeleteShare != 0 {
		d.MaxDeleteShare = o.MaxDeleteShare
	}
	if o.HSTSMaxAge != 0 {
		d.HSTSMaxAge = o.HSTSMaxAge
	}
	for _, sw := range []struct {
		dst **bool
		v   *bool
	}{
		{&d.CaseInsensitive, o.CaseInsensitive}, {&d.HSTSIncludeSubDomains, o.HSTSIncludeSubDomains},
		{&d.HSTSPreload, o.HSTSPreload}, {&d.NoHSTS, o.NoHSTS},
	} {
		if sw.v != nil {
			*sw.dst = sw.v
		}
	}
	if len(o.Headers) > 0 {
		d.Headers = o.Headers
	}
	return d
}

// On reports whether a switch is given and true.
func On(b *bool) bool { return b != nil && *b }
