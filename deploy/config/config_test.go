package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signpost.toml")
	os.WriteFile(path, []byte("[deploy]\nmode = \"s3\"\nbucket = \"from-file\"\nkey = \"k\"\ndistributions = [\"EFILE\"]\n"), 0o644)
	file, err := Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	env, err := FromEnv(func(k string) string {
		return map[string]string{"SIGNPOST_BUCKET": "from-env", "SIGNPOST_DISTRIBUTIONS": "EA, EB"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	flags := Deploy{Bucket: "from-flag"}
	got := file.Over(env).Over(flags)
	if got.Bucket != "from-flag" || got.Key != "k" || got.Mode != "s3" || strings.Join(got.Distributions, ",") != "EA,EB" {
		t.Fatalf("%+v", got)
	}
}

func TestUnknownKeyAndSyntax(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.toml")
	os.WriteFile(typo, []byte("[deploy]\nbuckett = \"x\"\n"), 0o644)
	if _, err := Load(typo, false); err == nil || !strings.Contains(err.Error(), "deploy.buckett") {
		t.Fatalf("typo: %v", err)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[deploy]\nbucket = \n"), 0o644)
	if _, err := Load(bad, false); err == nil || !strings.Contains(err.Error(), "bad.toml:2") {
		t.Fatalf("syntax: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.toml"), true); err != nil {
		t.Fatalf("optional missing file: %v", err)
	}
	if _, err := FromEnv(func(k string) string {
		if k == "SIGNPOST_MAX_DELETE_SHARE" {
			return "2"
		}
		return ""
	}); err == nil {
		t.Fatal("share 2 accepted")
	}
}

// SIGNPOST_CASE_INSENSITIVE=false wins over case_insensitive = true in the
// file, as every environment variable wins over the file; a flag that
// turns it on wins over both.
func TestCaseInsensitiveFalseInEnvWinsOverFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signpost.toml")
	if err := os.WriteFile(path, []byte("[deploy]\ncase_insensitive = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := Load(path, false)
	if err != nil {
		t.Fatal(err)
	}
	env, err := FromEnv(func(k string) string {
		return map[string]string{"SIGNPOST_CASE_INSENSITIVE": "false"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := file.Over(env).Over(Deploy{}); On(got.CaseInsensitive) {
		t.Fatal("SIGNPOST_CASE_INSENSITIVE=false did not win over the file")
	}
	yes, no := true, false
	if got := file.Over(env).Over(Deploy{CaseInsensitive: &yes}); !On(got.CaseInsensitive) {
		t.Fatal("--case-insensitive did not win over SIGNPOST_CASE_INSENSITIVE=false")
	}
	if got := file.Over(Deploy{}); !On(got.CaseInsensitive) {
		t.Fatal("the file's case_insensitive = true was lost")
	}
	if got := file.Over(Deploy{CaseInsensitive: &no}); On(got.CaseInsensitive) {
		t.Fatal("--case-insensitive=false did not win over the file")
	}
}
