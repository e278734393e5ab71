package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// IsS3URL reports whether s names an S3 location (s3://bucket/...).
func IsS3URL(s string) bool { return strings.HasPrefix(s, "s3://") }

// ParseS3URL splits s3://bucket/key into the bucket and the key (which may
// be empty or a prefix).
func ParseS3URL(s string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q is not an s3:// URL", s)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q names no bucket", s)
	}
	return bucket, key, nil
}

// NewS3Client returns an S3 client configured the standard AWS way
// (environment, shared config and credentials files, instance roles). When
// an endpoint is set (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or the
// endpoint_url of a profile), it uses path-style addressing. Without a
// configured region it uses us-east-1.
func NewS3Client(ctx context.Context, optFns ...func(*s3.Options)) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	fns := append([]func(*s3.Options){func(o *s3.Options) {
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	}}, optFns...)
	return s3.NewFromConfig(cfg, fns...), nil
}

// S3FS is a prefix of an S3 bucket as a read-only file system. A name is a
// file when the object prefix+name exists, and a directory when some object
// starts with prefix+name+"/". Files are read lazily: opening one costs a
// HeadObject; reading it a GetObject (with a Range when a reader seeked).
//
// Open uses context.Background with Timeout; servers call OpenContext so
// that a request that goes away cancels its S3 calls.
type S3FS struct {
	Client *s3.Client
	Bucket string
	// Prefix is prepended to every name; it is empty or ends with "/".
	Prefix string
	// Timeout bounds each call made by Open; 0 means 30 seconds.
	Timeout time.Duration
}

// NewS3FS returns the file system at s3://bucket/prefix.
func NewS3FS(client *s3.Client, bucket, prefix string) *S3FS {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3FS{Client: client, Bucket: bucket, Prefix: prefix}
}

func (f *S3FS) String() string { return "s3://" + f.Bucket + "/" + f.Prefix }

// Open opens the named file or directory.
func (f *S3FS) Open(name string) (fs.File, error) {
	t := f.Timeout
	if t <= 0 {
		t = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), t)
	file, err := f.OpenContext(ctx, name)
	if err != nil {
		cancel()
		return nil, err
	}
	if sf, ok := file.(*s3File); ok {
		sf.cancel = cancel
	} else {
		cancel()
	}
	return file, nil
}

// OpenContext opens the named file or directory; ctx bounds the calls made
// to open it and later to read it.
func (f *S3FS) OpenContext(ctx context.Context, name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &s3Dir{info: dirInfo(".")}, nil
	}
	file, notFound, err := f.head(ctx, name)
	if !notFound {
		return file, err
	}
	// Not an object: a directory when some object lives under it.
	dirPrefix := f.Prefix + name + "/"
	list, err := f.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &f.Bucket, Prefix: &dirPrefix, MaxKeys: aws.Int32(1)})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: f.String() + name, Err: classify(err)}
	}
	if len(list.Contents) == 0 {
		return nil, &fs.PathError{Op: "open", Path: f.String() + name, Err: fs.ErrNotExist}
	}
	return &s3Dir{info: dirInfo(path.Base(name))}, nil
}

// OpenObject opens the named object, a file: unlike OpenContext it does
// not go on to ask S3 whether a name that is no object is a directory. A
// server looking for a file that is often not there (the precompressed
// copy of a page) makes one call instead of two.
func (f *S3FS) OpenObject(ctx context.Context, name string) (fs.File, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	file, _, err := f.head(ctx, name)
	return file, err
}

// head opens the object name with a HeadObject; notFound says S3 has no
// such object (err is then fs.ErrNotExist).
func (f *S3FS) head(ctx context.Context, name string) (_ fs.File, notFound bool, _ error) {
	key := f.Prefix + name
	head, err := f.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &f.Bucket, Key: &key})
	if err == nil {
		info := &objectInfo{
			name:        path.Base(name),
			size:        aws.ToInt64(head.ContentLength),
			modTime:     aws.ToTime(head.LastModified),
			etag:        aws.ToString(head.ETag),
			contentType: aws.ToString(head.ContentType),
		}
		return &s3File{fsys: f, ctx: ctx, key: key, info: info}, false, nil
	}
	if isNotFound(err) {
		return nil, true, &fs.PathError{Op: "open", Path: f.String() + name, Err: fs.ErrNotExist}
	}
	return nil, false, &fs.PathError{Op: "open", Path: f.String() + name, Err: classify(err)}
}

// isNotFound reports whether err is S3's answer for a missing object.
func isNotFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotFound", "NoSuchKey":
			return true
		}
	}
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}

// classify marks S3's 403 as fs.ErrPermission, keeping the cause. Without
// s3:ListBucket, S3 answers 403 rather than 404 for a missing object, so a
// server treats it as missing; any other failure stays an error of the
// store.
func classify(err error) error {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden {
		return fmt.Errorf("%w: %w", fs.ErrPermission, err)
	}
	return err
}

// objectInfo describes an object. Besides fs.FileInfo it offers the
// object's ETag and stored Content-Type, which the server uses.
type objectInfo struct {
	name        string
	size        int64
	modTime     time.Time
	etag        string
	contentType string
	dir         bool
}

func dirInfo(name string) *objectInfo { return &objectInfo{name: name, dir: true} }

func (i *objectInfo) Name() string       { return i.name }
func (i *objectInfo) Size() int64        { return i.size }
func (i *objectInfo) ModTime() time.Time { return i.modTime }
func (i *objectInfo) IsDir() bool        { return i.dir }
func (i *objectInfo) Sys() any           { return nil }
func (i *objectInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

// ETag is the object's entity tag as S3 sent it, quotes included.
func (i *objectInfo) ETag() string { return i.etag }

// ContentType is the Content-Type stored with the object.
func (i *objectInfo) ContentType() string { return i.contentType }

type s3Dir struct{ info *objectInfo }

func (d *s3Dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *s3Dir) Close() error               { return nil }
func (d *s3Dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: errors.New("is a directory")}
}

// s3File reads an object from the current offset with one GetObject,
// starting a new one (with a Range) after a Seek elsewhere.
type s3File struct {
	fsys   *S3FS
	ctx    context.Context
	cancel context.CancelFunc
	key    string
	info   *objectInfo

	off     int64
	body    io.ReadCloser
	bodyOff int64
}

func (f *s3File) Stat() (fs.FileInfo, error) { return f.info, nil }

func (f *s3File) Read(p []byte) (int, error) {
	if f.off >= f.info.size {
		return 0, io.EOF
	}
	if f.body == nil || f.bodyOff != f.off {
		if err := f.get(); err != nil {
			return 0, err
		}
	}
	n, err := f.body.Read(p)
	f.off += int64(n)
	f.bodyOff += int64(n)
	if err == io.EOF && f.off < f.info.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (f *s3File) get() error {
	f.closeBody()
	in := &s3.GetObjectInput{Bucket: &f.fsys.Bucket, Key: &f.key}
	if f.info.etag != "" {
		in.IfMatch = &f.info.etag
	}
	if f.off > 0 {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", f.off))
	}
	out, err := f.fsys.Client.GetObject(f.ctx, in)
	if err != nil {
		return &fs.PathError{Op: "read", Path: "s3://" + f.fsys.Bucket + "/" + f.key, Err: err}
	}
	// An object replaced since it was opened must not be served as a mix.
	if etag := aws.ToString(out.ETag); f.info.etag != "" && etag != "" && etag != f.info.etag {
		out.Body.Close()
		return &fs.PathError{Op: "read", Path: "s3://" + f.fsys.Bucket + "/" + f.key, Err: errors.New("object changed while being read")}
	}
	f.body, f.bodyOff = out.Body, f.off
	return nil
}

func (f *s3File) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.info.size
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("seek: negative position")
	}
	f.off = offset
	return offset, nil
}

func (f *s3File) closeBody() {
	if f.body != nil {
		f.body.Close()
		f.body = nil
	}
}

func (f *s3File) Close() error {
	f.closeBody()
	if f.cancel != nil {
		f.cancel()
	}
	return nil
}
