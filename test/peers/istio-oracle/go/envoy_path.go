// The :path an Envoy HTTP connection manager hands its filters, for the normalization options Istio
// sets from MeshConfig pathNormalization (pilot/pkg/networking/core/listener_builder.go):
//
//	NONE                      normalize_path false
//	BASE / DEFAULT            normalize_path true
//	MERGE_SLASHES             normalize_path true, merge_slashes true
//	DECODE_AND_MERGE_SLASHES  + path_with_escaped_slashes_action UNESCAPE_AND_FORWARD
//
// normalize_path is Envoy's PathUtil::canonicalPath, i.e. Chromium's url::CanonicalizePath on the
// part before '?': '\' becomes '/', %XX of an unreserved character (ALPHA DIGIT - . _ ~) is decoded,
// "." and ".." segments (also written %2E) are resolved. The query is kept. Only paths made of
// unreserved characters, '/', '\', sub-delims, ':', '@' and %XX escapes are modeled: Chromium also
// escapes other characters, which this model does not do, so such a path is reported as not
// modeled instead of guessed. A "%00" is not modeled either (Envoy rejects it in some versions).
package main

import (
	"strconv"
	"strings"
)

func isUnreservedByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f'
}

// modeledPath reports whether the canonicalization of path is within this model.
func modeledPath(path string) bool {
	if strings.Contains(path, "%00") {
		return false
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case isUnreservedByte(c), strings.IndexByte(`/\!$&'()*+,;=:@?`, c) >= 0:
		case c == '%':
			if i+2 >= len(path) || !isHexByte(path[i+1]) || !isHexByte(path[i+2]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// decodeEscapes decodes each %XX whose byte satisfies which (hex case-insensitive), once.
func decodeEscapes(s string, which func(byte) bool) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if which(byte(v)) {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// removeDotSegments resolves "." and ".." segments of an absolute path (RFC 3986 5.2.4).
func removeDotSegments(path string) string {
	in := strings.Split(path, "/")
	out := []string{}
	for i := 1; i < len(in); i++ {
		seg := in[i]
		last := i == len(in)-1
		switch seg {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// normalizedPath returns the :path the filters see (query kept) for a modeled raw path.
func normalizedPath(raw string, mode string) string {
	path, query := raw, ""
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		path, query = raw[:i], raw[i:]
	}
	if mode == "NONE" {
		return raw
	}
	if mode == "DECODE_AND_MERGE_SLASHES" {
		path = decodeEscapes(path, func(c byte) bool { return c == '/' || c == '\\' })
	}
	path = strings.ReplaceAll(path, `\`, "/")
	path = decodeEscapes(path, isUnreservedByte)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	path = removeDotSegments(path)
	if mode == "MERGE_SLASHES" || mode == "DECODE_AND_MERGE_SLASHES" {
		for strings.Contains(path, "//") {
			path = strings.ReplaceAll(path, "//", "/")
		}
	}
	return path + query
}
