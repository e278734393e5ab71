// Package site opens the sources a static site is served from: a directory
// on disk, or a prefix of an S3 bucket. Both are io/fs file systems, so the
// HTTP server (package server) serves either the same way.
//
// A directory is opened through os.Root: no name, however it is spelled, and
// no symbolic link can reach outside it. The names in its top directory are
// kept for a second at a time, so that a name under a top-level entry that
// is not there fails without a system call (most requests for missing
// pages); a top-level entry added while serving is found within a second.
//
// An S3 site is read through aws-sdk-go-v2 with the standard AWS
// configuration chain (credentials, region, profiles). Endpoints are
// overridable the standard way, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL;
// with a custom endpoint the client uses path-style addressing, so
// S3-compatible stores and local servers work.
package site
