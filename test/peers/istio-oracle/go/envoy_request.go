// What an Envoy proxy knows about one request when its RBAC filters run: the connection (TLS peer,
// direct and XFF-derived remote address, local address and port, requested server name), the request
// headers (pseudo-headers included), the dynamic metadata earlier filters wrote and the filter state.
// This is the input of the RBAC matcher (envoy_rbac.go); nothing here knows about Istio.
package main

import (
	"net/netip"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

type envoyRequest struct {
	// http: an HTTP filter chain (headers exist); false: a network (TCP) filter chain, where header
	// and path matchers see an empty header map, as the network RBAC filter passes one.
	http bool
	// headers by lower-cased name, in arrival order; pseudo-headers ":method", ":path", ":authority".
	headers map[string][]string
	// tls: the downstream connection is TLS with a client certificate (mTLS); uriSANs are its URI SANs.
	tls     bool
	uriSANs []string
	// Addresses; an invalid or absent address is nil and no IP matcher matches it.
	directRemote *netip.Addr // the peer of the connection (direct_remote_ip)
	remote       *netip.Addr // the client after X-Forwarded-For / PROXY protocol (remote_ip)
	local        *netip.Addr // the destination address of the connection (destination_ip)
	localPort    *uint32     // the destination port (destination_port)
	sni          string      // requested server name; "" when none
	// metadata: dynamic metadata by filter name (jwt_authn payload, RBAC shadow results).
	metadata map[string]*structpb.Struct
	// filterState: string-serialized filter state objects by key (io.istio.peer_principal).
	filterState map[string]string
}

// header returns all values of a header joined with "," (Envoy's getAllOfHeaderAsString), and
// whether the header is present at all.
func (r *envoyRequest) header(name string) (string, bool) {
	if !r.http {
		return "", false
	}
	v, ok := r.headers[strings.ToLower(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return strings.Join(v, ","), true
}

// setMetadata merges fields into the dynamic metadata namespace of a filter.
func (r *envoyRequest) setMetadata(filter string, fields map[string]*structpb.Value) {
	if r.metadata == nil {
		r.metadata = map[string]*structpb.Struct{}
	}
	s, ok := r.metadata[filter]
	if !ok {
		s = &structpb.Struct{Fields: map[string]*structpb.Value{}}
		r.metadata[filter] = s
	}
	for k, v := range fields {
		s.Fields[k] = v
	}
}

func parseAddr(s *string) *netip.Addr {
	if s == nil {
		return nil
	}
	a, err := netip.ParseAddr(*s)
	if err != nil {
		return nil
	}
	return &a
}
