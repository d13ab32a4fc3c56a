// An RBAC matcher written to Envoy's RBAC specification: the second, independent half of the oracle.
// It evaluates envoy.config.rbac.v3.RBAC (what Istio's authz builder emits) against an envoyRequest,
// following envoy source/extensions/filters/common/rbac/{engine_impl,matchers}.cc:
//
//   - an engine tries its policies in the order of their names (a std::map) and reports the first
//     that matches as the effective policy id; ALLOW allows iff one matches, DENY denies iff one
//     matches, LOG never denies;
//   - a policy matches when any permission AND any principal match;
//   - and_rules/and_ids: all; or_rules/or_ids: any; not_rule/not_id: negation; any: true;
//   - header: HeaderMatcher on the request headers (none on a network filter chain);
//   - url_path: the StringMatcher on :path without query and fragment (false without :path);
//   - uri_template: Envoy's URI template regex, full match on :path without query and fragment;
//   - destination_ip / destination_port: the local address of the connection;
//   - direct_remote_ip / remote_ip / source_ip: the peer address, the XFF-derived client address;
//   - requested_server_name: the StringMatcher on the SNI ("" when none);
//   - authenticated: false without TLS; else the matcher on each URI SAN, then the subject ("" for
//     Istio's workload certificates, which carry no DNS SAN);
//   - metadata: Envoy's MetadataMatcher on dynamic metadata; filter_state: the StringMatcher on the
//     serialized filter state object.
//
// Anything else (CEL conditions, custom matchers, port ranges...) is not emitted by Istio's builder;
// meeting one is an error, never a silent guess.
package main

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"sync"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rbacpb "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	routepb "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	uritemplate "github.com/envoyproxy/go-control-plane/envoy/extensions/path/match/uri_template/v3"
	matcherpb "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// engineResult is what one RBAC engine decides for one request.
type engineResult struct {
	// allowed: the engine lets the request through (LOG engines always do).
	allowed bool
	// effective: the first matching policy in name order ("" when none matches).
	effective string
	// matching: every matching policy, in name order.
	matching []string
}

// evalEngine evaluates one RBAC engine (the `rules` or `shadow_rules` of an RBAC filter).
func evalEngine(rules *rbacpb.RBAC, r *envoyRequest) (engineResult, error) {
	names := make([]string, 0, len(rules.GetPolicies()))
	for name := range rules.GetPolicies() {
		names = append(names, name)
	}
	sort.Strings(names)
	out := engineResult{}
	for _, name := range names {
		m, err := matchPolicy(rules.GetPolicies()[name], r)
		if err != nil {
			return out, fmt.Errorf("policy %s: %w", name, err)
		}
		if m {
			out.matching = append(out.matching, name)
		}
	}
	if len(out.matching) > 0 {
		out.effective = out.matching[0]
	}
	matched := out.effective != ""
	switch rules.GetAction() {
	case rbacpb.RBAC_ALLOW:
		out.allowed = matched
	case rbacpb.RBAC_DENY:
		out.allowed = !matched
	case rbacpb.RBAC_LOG:
		out.allowed = true
	default:
		return out, fmt.Errorf("unknown RBAC action %v", rules.GetAction())
	}
	return out, nil
}

func matchPolicy(p *rbacpb.Policy, r *envoyRequest) (bool, error) {
	if p.GetCondition() != nil || p.GetCheckedCondition() != nil {
		return false, fmt.Errorf("CEL conditions are not modeled")
	}
	perm, err := anyPermission(p.GetPermissions(), r)
	if err != nil || !perm {
		return false, err
	}
	return anyPrincipal(p.GetPrincipals(), r)
}

func anyPermission(ps []*rbacpb.Permission, r *envoyRequest) (bool, error) {
	for _, p := range ps {
		m, err := matchPermission(p, r)
		if err != nil || m {
			return m, err
		}
	}
	return false, nil
}

func anyPrincipal(ps []*rbacpb.Principal, r *envoyRequest) (bool, error) {
	for _, p := range ps {
		m, err := matchPrincipal(p, r)
		if err != nil || m {
			return m, err
		}
	}
	return false, nil
}

func matchPermission(p *rbacpb.Permission, r *envoyRequest) (bool, error) {
	switch rule := p.GetRule().(type) {
	case *rbacpb.Permission_AndRules:
		for _, q := range rule.AndRules.GetRules() {
			m, err := matchPermission(q, r)
			if err != nil || !m {
				return false, err
			}
		}
		return true, nil
	case *rbacpb.Permission_OrRules:
		return anyPermission(rule.OrRules.GetRules(), r)
	case *rbacpb.Permission_NotRule:
		m, err := matchPermission(rule.NotRule, r)
		return !m, err
	case *rbacpb.Permission_Any:
		return true, nil
	case *rbacpb.Permission_Header:
		return matchHeader(rule.Header, r)
	case *rbacpb.Permission_UrlPath:
		return matchURLPath(rule.UrlPath, r)
	case *rbacpb.Permission_UriTemplate:
		return matchURITemplate(rule.UriTemplate, r)
	case *rbacpb.Permission_DestinationIp:
		return matchCIDR(rule.DestinationIp, r.local)
	case *rbacpb.Permission_DestinationPort:
		return r.localPort != nil && *r.localPort == rule.DestinationPort, nil
	case *rbacpb.Permission_RequestedServerName:
		return matchString(rule.RequestedServerName, r.sni)
	case *rbacpb.Permission_Metadata:
		return matchMetadata(rule.Metadata, r)
	default:
		return false, fmt.Errorf("permission %T is not modeled", rule)
	}
}

func matchPrincipal(p *rbacpb.Principal, r *envoyRequest) (bool, error) {
	switch id := p.GetIdentifier().(type) {
	case *rbacpb.Principal_AndIds:
		for _, q := range id.AndIds.GetIds() {
			m, err := matchPrincipal(q, r)
			if err != nil || !m {
				return false, err
			}
		}
		return true, nil
	case *rbacpb.Principal_OrIds:
		return anyPrincipal(id.OrIds.GetIds(), r)
	case *rbacpb.Principal_NotId:
		m, err := matchPrincipal(id.NotId, r)
		return !m, err
	case *rbacpb.Principal_Any:
		return true, nil
	case *rbacpb.Principal_Authenticated_:
		return matchAuthenticated(id.Authenticated, r)
	case *rbacpb.Principal_DirectRemoteIp:
		return matchCIDR(id.DirectRemoteIp, r.directRemote)
	case *rbacpb.Principal_RemoteIp:
		return matchCIDR(id.RemoteIp, r.remote)
	case *rbacpb.Principal_SourceIp: //nolint:staticcheck // deprecated in Envoy; the connection's remote address
		return matchCIDR(id.SourceIp, r.directRemote)
	case *rbacpb.Principal_Header:
		return matchHeader(id.Header, r)
	case *rbacpb.Principal_UrlPath:
		return matchURLPath(id.UrlPath, r)
	case *rbacpb.Principal_Metadata:
		return matchMetadata(id.Metadata, r)
	case *rbacpb.Principal_FilterState:
		return matchFilterState(id.FilterState, r)
	default:
		return false, fmt.Errorf("principal %T is not modeled", id)
	}
}

// matchAuthenticated: matchers.cc AuthenticatedMatcher.
func matchAuthenticated(a *rbacpb.Principal_Authenticated, r *envoyRequest) (bool, error) {
	if !r.tls {
		return false, nil
	}
	if a.GetPrincipalName() == nil {
		return true, nil
	}
	for _, san := range r.uriSANs {
		m, err := matchString(a.GetPrincipalName(), san)
		if err != nil || m {
			return m, err
		}
	}
	return matchString(a.GetPrincipalName(), "") // the subject of an Istio workload certificate
}

func matchFilterState(f *matcherpb.FilterStateMatcher, r *envoyRequest) (bool, error) {
	v, ok := r.filterState[f.GetKey()]
	if !ok {
		return false, nil
	}
	sm := f.GetStringMatch()
	if sm == nil {
		return false, fmt.Errorf("filter_state matcher %T is not modeled", f.GetMatcher())
	}
	return matchString(sm, v)
}

func matchCIDR(c *corev3.CidrRange, addr *netip.Addr) (bool, error) {
	if addr == nil {
		return false, nil
	}
	base, err := netip.ParseAddr(c.GetAddressPrefix())
	if err != nil {
		return false, fmt.Errorf("bad CIDR address %q: %w", c.GetAddressPrefix(), err)
	}
	prefix, err := base.Prefix(int(c.GetPrefixLen().GetValue()))
	if err != nil {
		return false, fmt.Errorf("bad CIDR %s/%d: %w", c.GetAddressPrefix(), c.GetPrefixLen().GetValue(), err)
	}
	// CidrRange::isInRange: same IP version and equal under the mask (no v4-in-v6 unmapping).
	return addr.Is4() == base.Is4() && prefix.Contains(*addr), nil
}

// matchHeader: Envoy HeaderUtility::matchHeaders. Repeated headers are joined with ",".
func matchHeader(h *routepb.HeaderMatcher, r *envoyRequest) (bool, error) {
	value, present := r.header(h.GetName())
	if pm, ok := h.GetHeaderMatchSpecifier().(*routepb.HeaderMatcher_PresentMatch); ok {
		// present_match compares presence with the wanted value; invert_match flips it.
		return (present == pm.PresentMatch) != h.GetInvertMatch(), nil
	}
	if !present {
		if !h.GetTreatMissingHeaderAsEmpty() {
			return false, nil
		}
		value = ""
	}
	var m bool
	var err error
	switch spec := h.GetHeaderMatchSpecifier().(type) {
	case *routepb.HeaderMatcher_StringMatch:
		m, err = matchString(spec.StringMatch, value)
	case *routepb.HeaderMatcher_ExactMatch: //nolint:staticcheck
		m = value == spec.ExactMatch
	case *routepb.HeaderMatcher_PrefixMatch: //nolint:staticcheck
		m = strings.HasPrefix(value, spec.PrefixMatch)
	case *routepb.HeaderMatcher_SuffixMatch: //nolint:staticcheck
		m = strings.HasSuffix(value, spec.SuffixMatch)
	case *routepb.HeaderMatcher_ContainsMatch: //nolint:staticcheck
		m = strings.Contains(value, spec.ContainsMatch)
	case nil:
		m = true // no specifier: the header is present
	default:
		return false, fmt.Errorf("header matcher %T is not modeled", spec)
	}
	if err != nil {
		return false, err
	}
	return m != h.GetInvertMatch(), nil
}

// removeQueryAndFragment: Envoy PathUtil::removeQueryAndFragment.
func removeQueryAndFragment(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		return path[:i]
	}
	return path
}

func matchURLPath(p *matcherpb.PathMatcher, r *envoyRequest) (bool, error) {
	path, ok := r.header(":path")
	if !ok {
		return false, nil
	}
	sm := p.GetPath()
	if sm == nil {
		return false, fmt.Errorf("path matcher %T is not modeled", p.GetRule())
	}
	return matchString(sm, removeQueryAndFragment(path))
}

// uriTemplatePChar is kLiteral of Envoy's uri_template_internal.cc: RFC 3986 pchar minus '*'.
const uriTemplatePChar = `a-zA-Z0-9\-._~%!$&'()+,;:@=`

// uriTemplateRegex translates a path template the way Envoy's uri_template library does:
// "/" + segments joined by "/" (+ suffix), `*` -> [pchar]+, `**` -> [pchar/]*, and a literal with
// $ ( ) + . escaped. Only the operator and literal forms Istio emits are accepted.
func uriTemplateRegex(template string) (string, error) {
	if !strings.HasPrefix(template, "/") {
		return "", fmt.Errorf("invalid uri template %q", template)
	}
	rest := template[1:]
	segments := []string{}
	literal := strings.NewReplacer("$", `\$`, "(", `\(`, ")", `\)`, "+", `\+`, ".", `\.`)
	for rest != "" {
		seg, tail, found := strings.Cut(rest, "/")
		switch {
		case seg == "**":
			segments = append(segments, "["+uriTemplatePChar+"/]*")
		case seg == "*":
			segments = append(segments, "["+uriTemplatePChar+"]+")
		case strings.ContainsAny(seg, "*{}"):
			return "", fmt.Errorf("uri template segment %q is not modeled", seg)
		default:
			segments = append(segments, literal.Replace(seg))
		}
		if !found {
			break
		}
		if tail == "" { // a single trailing "/" is an empty literal segment
			segments = append(segments, "")
		}
		rest = tail
	}
	return "/" + strings.Join(segments, "/"), nil
}

func matchURITemplate(c *corev3.TypedExtensionConfig, r *envoyRequest) (bool, error) {
	cfg := &uritemplate.UriTemplateMatchConfig{}
	if err := c.GetTypedConfig().UnmarshalTo(cfg); err != nil {
		return false, fmt.Errorf("uri_template config: %w", err)
	}
	re, err := uriTemplateRegex(cfg.GetPathTemplate())
	if err != nil {
		return false, err
	}
	path, ok := r.header(":path")
	if !ok {
		return false, nil // no :path (network filter chain): getPathValue() is empty, which no template matches
	}
	rx, err := compileFull(re)
	if err != nil {
		return false, err
	}
	return rx.MatchString(removeQueryAndFragment(path)), nil
}

var regexCache sync.Map

// compileFull compiles an RE2 regex for a full match (Envoy's safe_regex uses RE2::FullMatch).
func compileFull(re string) (*regexp.Regexp, error) {
	if v, ok := regexCache.Load(re); ok {
		return v.(*regexp.Regexp), nil
	}
	rx, err := regexp.Compile(`^(?:` + re + `)$`)
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", re, err)
	}
	regexCache.Store(re, rx)
	return rx, nil
}

// matchString: Envoy Matchers::StringMatcherImpl (ignore_case lower-cases ASCII; not for regex).
func matchString(m *matcherpb.StringMatcher, value string) (bool, error) {
	v := value
	fold := func(s string) string {
		if m.GetIgnoreCase() {
			return strings.ToLower(s)
		}
		return s
	}
	switch p := m.GetMatchPattern().(type) {
	case *matcherpb.StringMatcher_Exact:
		return fold(v) == fold(p.Exact), nil
	case *matcherpb.StringMatcher_Prefix:
		return strings.HasPrefix(fold(v), fold(p.Prefix)), nil
	case *matcherpb.StringMatcher_Suffix:
		return strings.HasSuffix(fold(v), fold(p.Suffix)), nil
	case *matcherpb.StringMatcher_Contains:
		return strings.Contains(fold(v), fold(p.Contains)), nil
	case *matcherpb.StringMatcher_SafeRegex:
		rx, err := compileFull(p.SafeRegex.GetRegex())
		if err != nil {
			return false, err
		}
		return rx.MatchString(v), nil
	default:
		return false, fmt.Errorf("string matcher %T is not modeled", p)
	}
}

// matchMetadata: Envoy Matchers::MetadataMatcher: the value at filter/path (a null value when any
// key is missing or a step is not a struct), matched by the ValueMatcher; `invert` negates.
func matchMetadata(m *matcherpb.MetadataMatcher, r *envoyRequest) (bool, error) {
	var cur *structpb.Value
	if s, ok := r.metadata[m.GetFilter()]; ok {
		cur = structpb.NewStructValue(s)
	}
	for _, seg := range m.GetPath() {
		st := cur.GetStructValue()
		if st == nil {
			cur = nil
			break
		}
		cur = st.GetFields()[seg.GetKey()]
	}
	matched, err := matchValue(m.GetValue(), cur)
	if err != nil {
		return false, err
	}
	return matched != m.GetInvert(), nil
}

// matchValue: Envoy ValueMatcher (nil value = the null value Envoy uses for a missing path).
func matchValue(m *matcherpb.ValueMatcher, v *structpb.Value) (bool, error) {
	switch p := m.GetMatchPattern().(type) {
	case *matcherpb.ValueMatcher_NullMatch_:
		_, isNull := v.GetKind().(*structpb.Value_NullValue)
		return v == nil || isNull, nil
	case *matcherpb.ValueMatcher_PresentMatch:
		return p.PresentMatch && v != nil && v.GetKind() != nil, nil
	case *matcherpb.ValueMatcher_StringMatch:
		s, ok := v.GetKind().(*structpb.Value_StringValue)
		if !ok {
			return false, nil
		}
		return matchString(p.StringMatch, s.StringValue)
	case *matcherpb.ValueMatcher_BoolMatch:
		b, ok := v.GetKind().(*structpb.Value_BoolValue)
		return ok && b.BoolValue == p.BoolMatch, nil
	case *matcherpb.ValueMatcher_ListMatch:
		l, ok := v.GetKind().(*structpb.Value_ListValue)
		if !ok {
			return false, nil
		}
		one := p.ListMatch.GetOneOf()
		if one == nil {
			return false, fmt.Errorf("list matcher %T is not modeled", p.ListMatch.GetMatchPattern())
		}
		for _, e := range l.ListValue.GetValues() {
			m, err := matchValue(one, e)
			if err != nil || m {
				return m, err
			}
		}
		return false, nil
	case *matcherpb.ValueMatcher_OrMatch:
		for _, q := range p.OrMatch.GetValueMatchers() {
			m, err := matchValue(q, v)
			if err != nil || m {
				return m, err
			}
		}
		return false, nil
	default:
		return false, fmt.Errorf("value matcher %T is not modeled", p)
	}
}
