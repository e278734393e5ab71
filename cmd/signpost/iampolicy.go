package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/signposthq/signpost/deploy"
)

func init() {
	register(&command{name: "iam-policy", summary: "print least-privilege IAM policies for the edge function and for CI", run: runIAMPolicy})
}

const iamPolicyUsage = `Usage: signpost iam-policy --bucket B --key K [flags]

Prints, as one JSON object, the least-privilege IAM documents a deployment
needs:
  edgeRole.trustPolicy   who may assume the Lambda@Edge execution role
                         (lambda.amazonaws.com and edgelambda.amazonaws.com)
  edgeRole.policy        CloudWatch Logs, and in mode s3 s3:GetObject on
                         exactly the rules object
  deployer               what 'signpost deploy' and 'signpost rollback' call
                         in the chosen mode, on exactly those resources

Examples:
  signpost iam-policy --bucket site-config --key redirects.json --distribution E2EXAMPLE --account 123456789012
  signpost iam-policy --mode lambda-edge --function site-redirects --bucket site-config --key redirects.json
  signpost iam-policy --mode cloudfront-function --function site-redirects --kvs-arn ARN --bucket site-config --key redirects.json

Flags:
`

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func runIAMPolicy(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("iam-policy")
	mode := fs.String("mode", "s3", "s3, lambda-edge or cloudfront-function")
	bucket := fs.String("bucket", "", "bucket of the rules object (required)")
	key := fs.String("key", "", "key of the rules object (required)")
	function := fs.String("function", "", "Lambda function or CloudFront Function name (default site-redirects)")
	account := fs.String("account", "*", "AWS account ID, to name resources exactly")
	kvsARN := fs.String("kvs-arn", "", "cloudfront-function: the KeyValueStore's ARN")
	var dists multiFlag
	fs.Var(&dists, "distribution", "CloudFront distribution ID (repeat; default any in the account)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "iam-policy", iamPolicyUsage, fs, err)
	}
	if len(pos) > 0 {
		return usageError(env, fmt.Errorf("unexpected argument %q", pos[0]), "")
	}
	m, err := deploy.ParseMode(*mode)
	if err != nil {
		return usageError(env, err, "")
	}
	if *bucket == "" || *key == "" {
		return usageError(env, fmt.Errorf("--bucket and --key are required"), "signpost iam-policy --bucket site-config --key redirects.json")
	}
	if *function == "" {
		*function = "site-redirects"
	}
	key0 := strings.TrimPrefix(*key, "/")
	object := fmt.Sprintf("arn:aws:s3:::%s/%s", *bucket, key0)
	state := fmt.Sprintf("arn:aws:s3:::%s/%s.signpost/*", *bucket, key0)
	var distARNs []string
	for _, d := range dists {
		distARNs = append(distARNs, fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", *account, d))
	}
	if len(distARNs) == 0 {
		distARNs = []string{fmt.Sprintf("arn:aws:cloudfront::%s:distribution/*", *account)}
	}

	role := policyDoc{Version: "2012-10-17", Statement: []statement{{
		Sid: "Logs", Effect: "Allow",
		Action: []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
		// Lambda@Edge writes to /aws/lambda/us-east-1.NAME in the region of
		// each edge location that ran it.
		Resource: []string{fmt.Sprintf("arn:aws:logs:*:%s:log-group:/aws/lambda/us-east-1.%s:*", *account, *function)},
	}}}
	if m == deploy.ModeS3 {
		role.Statement = append(role.Statement, statement{Sid: "ReadRules", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{object}})
	}
	trust := policyDoc{Version: "2012-10-17", Statement: []statement{{
		Effect: "Allow", Principal: map[string]any{"Service": []string{"lambda.amazonaws.com", "edgelambda.amazonaws.com"}},
		Action: []string{"sts:AssumeRole"},
	}}}

	deployer := policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: "Releases", Effect: "Allow", Action: []string{"s3:GetObject", "s3:PutObject"}, Resource: []string{object, state}},
		// Without ListBucket a missing object answers 403, not 404, and the
		// first deploy could not tell "nothing deployed" from "denied".
		{Sid: "FindReleases", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{"arn:aws:s3:::" + *bucket},
			Condition: map[string]any{"StringLike": map[string]any{"s3:prefix": []string{key0, key0 + ".signpost/*"}}}},
	}}
	switch m {
	case deploy.ModeS3:
		deployer.Statement = append(deployer.Statement, statement{Sid: "Invalidate", Effect: "Allow",
			Action: []string{"cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"}, Resource: distARNs})
	case deploy.ModeLambdaEdge:
		fn := fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:%s", *account, *function)
		deployer.Statement = append(deployer.Statement,
			statement{Sid: "PublishFunction", Effect: "Allow",
				Action:   []string{"lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode", "lambda:PublishVersion"},
				Resource: []string{fn, fn + ":*"}},
			// CloudFront replicates the version to the edge as the caller.
			statement{Sid: "ReplicateToEdge", Effect: "Allow", Action: []string{"lambda:EnableReplication*", "lambda:GetFunction"}, Resource: []string{fn + ":*"}},
			statement{Sid: "EdgeServiceRole", Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole"}, Resource: []string{"*"},
				Condition: map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": []string{"replicator.lambda.amazonaws.com", "logger.cloudfront.amazonaws.com"}}}},
			statement{Sid: "PointDistributions", Effect: "Allow",
				Action:   []string{"cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution", "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"},
				Resource: distARNs})
	case deploy.ModeCloudFrontFunction:
		deployer.Statement = append(deployer.Statement, statement{Sid: "PublishFunction", Effect: "Allow",
			Action:   []string{"cloudfront:DescribeFunction", "cloudfront:UpdateFunction", "cloudfront:TestFunction", "cloudfront:PublishFunction"},
			Resource: []string{fmt.Sprintf("arn:aws:cloudfront::%s:function/%s", *account, *function)}})
		kvs := *kvsARN
		if kvs == "" {
			kvs = fmt.Sprintf("arn:aws:cloudfront::%s:key-value-store/*", *account)
		}
		deployer.Statement = append(deployer.Statement, statement{Sid: "SyncKeyValueStore", Effect: "Allow",
			Action:   []string{"cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:ListKeys", "cloudfront-keyvaluestore:UpdateKeys"},
			Resource: []string{kvs}})
	}
	out := map[string]any{"deployer": deployer}
	if m != deploy.ModeCloudFrontFunction {
		out["edgeRole"] = map[string]any{"trustPolicy": trust, "policy": role}
	}
	return printJSON(env, out)
}
