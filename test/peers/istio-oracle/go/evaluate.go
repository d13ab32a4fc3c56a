// `oracle evaluate FILE.json`: Istio's decision on requests, in two independent halves.
//
// Half one is Istio's own translation at the pinned version: for the proxy a request reaches, the
// HTTP or TCP filter chain istiod would push, built by the same plugins the listener builder calls
// (pilot/pkg/networking/plugin/{authz,authn}: CUSTOM filters, the jwt_authn filter, then the RBAC
// filters for AUDIT, DENY and ALLOW, with trust-domain aliases applied) and the PeerAuthentication
// mode istiod composes for the port (security/authn policy applier).
// Half two runs that configuration: the RBAC matcher (envoy_rbac.go), the jwt_authn model
// (envoy_jwt.go) and the path normalization (envoy_path.go), written to Envoy's specification.
//
// Input: a JSON array of cases {"resources": YAML, "requests": [request...], "dump"?: bool}; output:
// one array of results per case, in order. A request names the proxy and what it sees:
//
//	{"proxy": {"namespace", "labels", "kind": "sidecar"|"gateway"|"waypoint",
//	           "service"?: {"name", "namespace"}},          (waypoints: the Service addressed)
//	 "protocol"?: "http"|"tcp", "port"?: N,                 (the destination port the proxy sees)
//	 "servicePorts"?: [{"port", "name"?, "protocol"?, "appProtocol"?}], "looksHttp"?: bool,
//	 "peer"?: "td/ns/x/sa/y",                               (the mTLS identity; absent: plaintext)
//	 "sourceIp"?, "remoteIp"?, "destinationIp"?, "sni"?,
//	 "method"?, "path"?, "authority"?, "headers"?: {name: value | [values]},
//	 "jwt"?: {"invalid"?: true, "payload"?: {...}, "header"?: name, "param"?: name}}
//
// Without "protocol", the filter chain follows Istio's protocol of the Service ports that target the
// port (pkg/config/kube ConvertProtocol, in the order given: the first that is not unsupported);
// when none decides, the inbound listener sniffs, and "looksHttp" says what it would detect.
//
// A result is {"decision": ALLOW|DENY|UNAUTHENTICATED|CONDITIONAL, "protocol", "stage", "provider"?, "policy"?,
// "matching"?, "unmodeled"?, "notes"?, "filters"?}: `stage` is the layer that decided (mtls,
// custom, jwt, deny, allow; none when nothing refused), `policy` the effective policy id Envoy
// reports (rbac_access_denied_matched_policy[...]), `matching` every policy of that RBAC engine
// that matches. A request the model cannot decide faithfully has "unmodeled" reasons and no decision.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	rbacpb "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	extauthzhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	jwtpb "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/jwt_authn/v3"
	rbachttp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/rbac/v3"
	extauthztcp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/ext_authz/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	rbactcp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	matcherpb "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/structpb"
	corev1 "k8s.io/api/core/v1"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/networking"
	authzplugin "istio.io/istio/pilot/pkg/networking/plugin/authz"
	"istio.io/istio/pilot/pkg/security/authn"
	"istio.io/istio/pilot/pkg/serviceregistry/provider"
	"istio.io/istio/pkg/config/host"
	kubeconvert "istio.io/istio/pkg/config/kube"
	"istio.io/istio/pkg/wellknown"
)

type evalCase struct {
	Resources string        `json:"resources"`
	Requests  []evalRequest `json:"requests"`
	Dump      bool          `json:"dump,omitempty"`
}

type evalProxy struct {
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
	Kind      string            `json:"kind"`
	Service   *struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"service,omitempty"`
}

type evalJWT struct {
	Invalid bool           `json:"invalid,omitempty"`
	Payload map[string]any `json:"payload,omitempty"`
	Header  string         `json:"header,omitempty"`
	Param   string         `json:"param,omitempty"`
}

type evalRequest struct {
	Proxy         evalProxy         `json:"proxy"`
	Protocol      string            `json:"protocol,omitempty"`
	ServicePorts  []evalServicePort `json:"servicePorts,omitempty"`
	LooksHTTP     bool              `json:"looksHttp,omitempty"`
	Port          *uint32           `json:"port,omitempty"`
	Peer          *string           `json:"peer,omitempty"`
	SourceIP      *string           `json:"sourceIp,omitempty"`
	RemoteIP      *string           `json:"remoteIp,omitempty"`
	DestinationIP *string           `json:"destinationIp,omitempty"`
	SNI           *string           `json:"sni,omitempty"`
	Method        *string           `json:"method,omitempty"`
	Path          *string           `json:"path,omitempty"`
	Authority     *string           `json:"authority,omitempty"`
	Headers       map[string]any    `json:"headers,omitempty"`
	JWT           *evalJWT          `json:"jwt,omitempty"`
}

type evalServicePort struct {
	Port        int32   `json:"port"`
	Name        string  `json:"name,omitempty"`
	Protocol    string  `json:"protocol,omitempty"`
	AppProtocol *string `json:"appProtocol,omitempty"`
}

type evalResult struct {
	Decision  string          `json:"decision,omitempty"`
	Protocol  string          `json:"protocol,omitempty"`
	Stage     string          `json:"stage,omitempty"`
	Provider  string          `json:"provider,omitempty"`
	Policy    string          `json:"policy,omitempty"`
	Matching  []string        `json:"matching,omitempty"`
	Unmodeled []string        `json:"unmodeled,omitempty"`
	Notes     []string        `json:"notes,omitempty"`
	Filters   json.RawMessage `json:"filters,omitempty"`
}

func sleepBriefly() { time.Sleep(time.Millisecond) }

func runEvaluate(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var cases []evalCase
	if err := json.Unmarshal(data, &cases); err != nil {
		return fmt.Errorf("evaluate wants a JSON array of cases: %v", err)
	}
	out := make([][]evalResult, 0, len(cases))
	for i, c := range cases {
		m, err := newOracleMesh(c.Resources)
		if err != nil {
			return fmt.Errorf("case %d: %w", i, err)
		}
		results := make([]evalResult, 0, len(c.Requests))
		for j, r := range c.Requests {
			res, err := evaluateOne(m, r, c.Dump)
			if err != nil {
				m.close()
				return fmt.Errorf("case %d request %d: %w", i, j, err)
			}
			results = append(results, res)
		}
		m.close()
		out = append(out, results)
	}
	return writeJSON(out)
}

// chain is the proxy's filter chain for the request's protocol, in istiod's order.
type chain struct {
	http  []*hcm.HttpFilter
	tcp   []*listener.Filter
	isTCP bool
}

func buildChain(m *oracleMesh, r evalRequest) (*model.Proxy, *model.Service, chain, error) {
	proxy := &model.Proxy{
		ID:              "oracle",
		ConfigNamespace: r.Proxy.Namespace,
		Labels:          r.Proxy.Labels,
		Metadata:        &model.NodeMetadata{Labels: r.Proxy.Labels, Namespace: r.Proxy.Namespace},
	}
	switch r.Proxy.Kind {
	case "sidecar":
		proxy.Type = model.SidecarProxy
	case "gateway":
		proxy.Type = model.Router
	case "waypoint":
		proxy.Type = model.Waypoint
	default:
		return nil, nil, chain{}, fmt.Errorf("proxy kind %q (want sidecar, gateway or waypoint)", r.Proxy.Kind)
	}
	var svc *model.Service
	if r.Proxy.Service != nil {
		svc = serviceOf(r.Proxy.Service.Name, r.Proxy.Service.Namespace)
		svc.Attributes.ServiceRegistry = provider.Kubernetes
		svc.Hostname = host.Name(fmt.Sprintf("%s.%s.svc.cluster.local", svc.Attributes.Name, svc.Attributes.Namespace))
	}
	waypoint := proxy.Type == model.Waypoint
	custom := authzplugin.NewBuilderForService(authzplugin.Custom, m.push, proxy, waypoint, svc)
	local := authzplugin.NewBuilderForService(authzplugin.Local, m.push, proxy, waypoint, svc)
	class := networking.ListenerClassSidecarInbound
	if proxy.Type == model.Router {
		class = networking.ListenerClassGateway
	}
	switch chainProtocol(r) {
	case "http":
		var fs []*hcm.HttpFilter
		fs = append(fs, custom.BuildHTTP(class)...)
		if jwt := authn.NewPolicyApplier(m.push, proxy, svc).JwtFilter(proxy.Type != model.SidecarProxy); jwt != nil {
			fs = append(fs, jwt)
		}
		fs = append(fs, local.BuildHTTP(class)...)
		return proxy, svc, chain{http: fs}, nil
	case "tcp":
		var fs []*listener.Filter
		fs = append(fs, custom.BuildTCP()...)
		fs = append(fs, local.BuildTCP()...)
		return proxy, svc, chain{tcp: fs, isTCP: true}, nil
	default:
		return nil, nil, chain{}, fmt.Errorf("protocol %q (want http or tcp)", r.Protocol)
	}
}

// chainProtocol: the filter chain (http or tcp) the inbound listener picks for the request.
func chainProtocol(r evalRequest) string {
	if r.Protocol != "" {
		return r.Protocol
	}
	for _, sp := range r.ServicePorts {
		proto := corev1.ProtocolTCP
		if sp.Protocol != "" {
			proto = corev1.Protocol(sp.Protocol)
		}
		p := kubeconvert.ConvertProtocol(sp.Port, sp.Name, proto, sp.AppProtocol)
		if p.IsUnsupported() {
			continue
		}
		if p.IsHTTP() {
			return "http"
		}
		return "tcp"
	}
	if r.LooksHTTP {
		return "http"
	}
	return "tcp"
}

func evaluateOne(m *oracleMesh, r evalRequest, dump bool) (evalResult, error) {
	res := evalResult{}
	if len(m.rejected) > 0 {
		res.Notes = append(res.Notes, "webhook rejects: "+strings.Join(m.rejected, "; "))
	}
	if len(m.dropped) > 0 {
		res.Notes = append(res.Notes, "not converted: "+strings.Join(m.dropped, "; "))
	}
	proxy, svc, ch, err := buildChain(m, r)
	if err != nil {
		return res, err
	}
	if dump {
		res.Filters = dumpChain(ch)
	}
	res.Protocol = chainProtocol(r)
	req, unmodeled := envoyRequestOf(r, res.Protocol, m.push.Mesh.GetPathNormalization().GetNormalization().String())
	if len(unmodeled) > 0 {
		res.Unmodeled = unmodeled
		return res, nil
	}

	// mTLS: the inbound listener of a sidecar applies the port's PeerAuthentication mode; a waypoint
	// accepts HBONE (mTLS) only; a gateway's listeners come from its Gateway servers, not from
	// PeerAuthentication. DISABLE: the client's auto-mTLS sends plaintext, so no peer identity.
	switch proxy.Type {
	case model.SidecarProxy:
		port := uint32(0)
		if r.Port != nil {
			port = *r.Port
		}
		mode := authn.NewPolicyApplier(m.push, proxy, svc).GetMutualTLSModeForPort(port)
		if mode == model.MTLSDisable {
			req.tls, req.uriSANs = false, nil
		}
		if !req.tls && mode == model.MTLSStrict {
			res.Decision, res.Stage = "DENY", "mtls"
			return res, nil
		}
	case model.Waypoint:
		if !req.tls {
			res.Decision, res.Stage = "DENY", "mtls"
			return res, nil
		}
		// The waypoint reads the client's identity from the HBONE connection's filter state.
		req.filterState = map[string]string{"io.istio.peer_principal": req.uriSANs[0]}
	}

	if ch.isTCP {
		return runNetworkChain(ch.tcp, req, res)
	}
	return runHTTPChain(ch.http, req, r.JWT, res)
}

// envoyRequestOf: what the proxy knows about the request, or why it cannot be modeled.
func envoyRequestOf(r evalRequest, protocol, normalization string) (*envoyRequest, []string) {
	req := &envoyRequest{
		http:         protocol == "http",
		directRemote: parseAddr(r.SourceIP),
		remote:       parseAddr(r.RemoteIP),
		local:        parseAddr(r.DestinationIP),
		localPort:    r.Port,
		headers:      map[string][]string{},
	}
	if r.SNI != nil {
		req.sni = *r.SNI
	}
	if r.Peer != nil {
		req.tls, req.uriSANs = true, []string{"spiffe://" + *r.Peer}
	}
	var unmodeled []string
	if !req.http {
		return req, nil
	}
	for name, v := range r.Headers {
		if strings.ContainsAny(name, " \t\r\n") {
			unmodeled = append(unmodeled, fmt.Sprintf("header name %q with whitespace (Envoy's codec rejects it)", name))
		}
		lower := strings.ToLower(name)
		switch vv := v.(type) {
		case string:
			req.headers[lower] = append(req.headers[lower], vv)
		case []any:
			for _, e := range vv {
				s, _ := e.(string)
				req.headers[lower] = append(req.headers[lower], s)
			}
		}
	}
	method := "GET"
	if r.Method != nil {
		method = *r.Method
	}
	req.headers[":method"] = []string{method}
	raw := "/"
	if r.Path != nil {
		raw = *r.Path
	}
	if !modeledPath(raw) || !strings.HasPrefix(raw, "/") {
		unmodeled = append(unmodeled, fmt.Sprintf("path %q: Chromium's canonicalization of it is not modeled", raw))
	} else {
		req.headers[":path"] = []string{normalizedPath(raw, normalization)}
	}
	if r.Authority != nil {
		delete(req.headers, "host")
		req.headers[":authority"] = []string{*r.Authority}
	}
	if r.JWT != nil && r.JWT.Payload != nil {
		for _, k := range []string{"exp", "nbf"} {
			if _, ok := r.JWT.Payload[k]; ok {
				unmodeled = append(unmodeled, "JWT "+k+" (time checks are not modeled)")
			}
		}
	}
	return req, unmodeled
}

// rbacFilter is one RBAC filter of either chain.
type rbacFilter struct {
	rules, shadow *rbacpb.RBAC
	shadowPrefix  string
	metadataName  string
}

// runRBAC applies one RBAC filter: the shadow engine writes its result to dynamic metadata, the
// enforced engine (when configured) allows or denies (rbac_filter.cc).
func runRBAC(f rbacFilter, req *envoyRequest) (*engineResult, error) {
	if f.shadow != nil {
		s, err := evalEngine(f.shadow, req)
		if err != nil {
			return nil, err
		}
		fields := map[string]*structpb.Value{f.shadowPrefix + "shadow_engine_result": structpb.NewStringValue(map[bool]string{true: "allowed", false: "denied"}[s.allowed])}
		if s.effective != "" {
			fields[f.shadowPrefix+"shadow_effective_policy_id"] = structpb.NewStringValue(s.effective)
		}
		req.setMetadata(f.metadataName, fields)
	}
	if f.rules == nil {
		return nil, nil
	}
	e, err := evalEngine(f.rules, req)
	return &e, err
}

// decideRBAC turns an enforced engine's refusal into the result; ok=false means the request goes on.
func decideRBAC(f rbacFilter, e *engineResult, res *evalResult) bool {
	if e == nil || e.allowed {
		return false
	}
	res.Decision = "DENY"
	switch f.rules.GetAction() {
	case rbacpb.RBAC_DENY:
		res.Stage = "deny"
		if strings.HasPrefix(e.effective, "istio-ext-authz") {
			res.Stage = "custom"
		}
	default:
		res.Stage = "allow"
	}
	res.Policy = e.effective
	return true
}

// providerOf reads the provider from an ext_authz filter_enabled_metadata prefix "istio-ext-authz-<p>".
func providerOf(prefix string) string {
	return strings.TrimPrefix(strings.TrimPrefix(prefix, "istio-ext-authz"), "-")
}

func runHTTPChain(fs []*hcm.HttpFilter, req *envoyRequest, jwt *evalJWT, res evalResult) (evalResult, error) {
	var allowMatched *engineResult
	for _, f := range fs {
		switch f.GetName() {
		case wellknown.HTTPRoleBasedAccessControl:
			cfg := &rbachttp.RBAC{}
			if err := f.GetTypedConfig().UnmarshalTo(cfg); err != nil {
				return res, err
			}
			rf := rbacFilter{rules: cfg.GetRules(), shadow: cfg.GetShadowRules(), shadowPrefix: cfg.GetShadowRulesStatPrefix(), metadataName: wellknown.HTTPRoleBasedAccessControl}
			e, err := runRBAC(rf, req)
			if err != nil {
				return res, err
			}
			if decideRBAC(rf, e, &res) {
				res.Matching = e.matching
				return res, nil
			}
			if e != nil && cfg.GetRules().GetAction() == rbacpb.RBAC_ALLOW {
				allowMatched = e
			}
		case wellknown.HTTPExternalAuthorization:
			cfg := &extauthzhttp.ExtAuthz{}
			if err := f.GetTypedConfig().UnmarshalTo(cfg); err != nil {
				return res, err
			}
			on, err := filterEnabled(cfg.GetFilterEnabledMetadata(), req)
			if err != nil {
				return res, err
			}
			if on && res.Provider == "" {
				res.Provider = providerOf(cfg.GetFilterEnabledMetadata().GetValue().GetStringMatch().GetPrefix())
			}
		case jwtFilterName:
			cfg := &jwtpb.JwtAuthentication{}
			if err := f.GetTypedConfig().UnmarshalTo(cfg); err != nil {
				return res, err
			}
			token := tokenOf(jwt)
			outcome, err := runJwtAuthn(cfg, token)
			if err != nil {
				return res, err
			}
			if outcome.status != jwtOk {
				res.Decision, res.Stage = "UNAUTHENTICATED", "jwt"
				res.Notes = append(res.Notes, "jwt_authn: "+string(outcome.status))
				return res, nil
			}
			if outcome.payload != nil {
				req.setMetadata(jwtFilterName, map[string]*structpb.Value{cfg.GetProviders()[outcome.provider].GetPayloadInMetadata(): structpb.NewStructValue(outcome.payload)})
			}
		default:
			return res, fmt.Errorf("HTTP filter %s is not modeled", f.GetName())
		}
	}
	return finish(res, allowMatched), nil
}

func runNetworkChain(fs []*listener.Filter, req *envoyRequest, res evalResult) (evalResult, error) {
	var allowMatched *engineResult
	for _, f := range fs {
		switch f.GetName() {
		case wellknown.RoleBasedAccessControl:
			cfg := &rbactcp.RBAC{}
			if err := f.GetTypedConfig().UnmarshalTo(cfg); err != nil {
				return res, err
			}
			rf := rbacFilter{rules: cfg.GetRules(), shadow: cfg.GetShadowRules(), shadowPrefix: cfg.GetShadowRulesStatPrefix(), metadataName: wellknown.RoleBasedAccessControl}
			e, err := runRBAC(rf, req)
			if err != nil {
				return res, err
			}
			if decideRBAC(rf, e, &res) {
				res.Matching = e.matching
				return res, nil
			}
			if e != nil && cfg.GetRules().GetAction() == rbacpb.RBAC_ALLOW {
				allowMatched = e
			}
		case wellknown.ExternalAuthorization:
			cfg := &extauthztcp.ExtAuthz{}
			if err := f.GetTypedConfig().UnmarshalTo(cfg); err != nil {
				return res, err
			}
			on, err := filterEnabled(cfg.GetFilterEnabledMetadata(), req)
			if err != nil {
				return res, err
			}
			if on && res.Provider == "" {
				res.Provider = providerOf(cfg.GetFilterEnabledMetadata().GetValue().GetStringMatch().GetPrefix())
			}
		default:
			return res, fmt.Errorf("network filter %s is not modeled", f.GetName())
		}
	}
	return finish(res, allowMatched), nil
}

// finish: nothing refused the request. An ext_authz filter that ran makes it CONDITIONAL.
func finish(res evalResult, allowMatched *engineResult) evalResult {
	res.Stage = "none"
	res.Decision = "ALLOW"
	if allowMatched != nil {
		res.Stage, res.Policy, res.Matching = "allow", allowMatched.effective, allowMatched.matching
	}
	if res.Provider != "" {
		res.Decision = "CONDITIONAL"
	}
	return res
}

func tokenOf(j *evalJWT) *jwtToken {
	if j == nil {
		return nil
	}
	t := &jwtToken{invalid: j.Invalid, payload: j.Payload, param: j.Param}
	if j.Header != "" {
		t.header = strings.ToLower(j.Header)
	} else if j.Param == "" {
		t.header = "authorization"
	}
	if t.payload == nil {
		t.payload = map[string]any{}
	}
	return t
}

// filterEnabled: the ext_authz filter_enabled_metadata matcher against dynamic metadata (no
// matcher: the filter always runs).
func filterEnabled(m *matcherpb.MetadataMatcher, req *envoyRequest) (bool, error) {
	if m == nil {
		return true, nil
	}
	return matchMetadata(m, req)
}

func dumpChain(ch chain) json.RawMessage {
	var parts []string
	add := func(name string, a *anypb.Any) {
		var msg proto.Message
		switch name {
		case wellknown.HTTPRoleBasedAccessControl:
			msg = &rbachttp.RBAC{}
		case wellknown.RoleBasedAccessControl:
			msg = &rbactcp.RBAC{}
		case wellknown.HTTPExternalAuthorization:
			msg = &extauthzhttp.ExtAuthz{}
		case wellknown.ExternalAuthorization:
			msg = &extauthztcp.ExtAuthz{}
		case jwtFilterName:
			msg = &jwtpb.JwtAuthentication{}
		default:
			parts = append(parts, fmt.Sprintf("{%q:null}", name))
			return
		}
		if err := a.UnmarshalTo(msg); err != nil {
			parts = append(parts, fmt.Sprintf("{%q:%q}", name, err.Error()))
			return
		}
		b, _ := protojson.Marshal(msg)
		parts = append(parts, fmt.Sprintf("{%q:%s}", name, b))
	}
	for _, f := range ch.http {
		add(f.GetName(), f.GetTypedConfig())
	}
	for _, f := range ch.tcp {
		add(f.GetName(), f.GetTypedConfig())
	}
	return json.RawMessage("[" + strings.Join(parts, ",") + "]")
}
