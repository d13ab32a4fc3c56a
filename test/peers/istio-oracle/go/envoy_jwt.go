// Envoy's jwt_authn filter, modeled on the JwtAuthentication config Istio generates
// (envoy source/extensions/filters/http/jwt_authn/{extractor,authenticator,verifier}.cc and
// google/jwt_verify_lib check_audience):
//
//   - a provider reads tokens from its from_headers (name; the value prefix is assumed present),
//     from_params and from_cookies, or, when it names none, from `Authorization: Bearer` and the
//     `access_token` query parameter;
//   - a provider verifier: no token at its locations -> JwtMissed; a token that fails verification
//     -> JwtVerificationFail; an issuer its locations do not allow (an empty provider issuer allows
//     any) -> JwtUnknownIssuer; an audience outside the provider's (each side stripped of an
//     http:// or https:// prefix and one trailing slash; none configured allows any) ->
//     JwtAudienceNotAllowed; else Ok, and the payload goes to dynamic metadata
//     `envoy.filters.http.jwt_authn` under payload_in_metadata, with each space-delimited claim
//     that is a string split on ' ' (empty parts skipped);
//   - requires_any: Ok if a child is Ok; else the children's statuses are folded (errors other than
//     JwtMissed/JwtUnknownIssuer win, JwtUnknownIssuer beats JwtMissed), and allow_missing turns a
//     final JwtMissed into Ok; requires_all: the first child that is not Ok.
//
// Signatures and time claims are not modeled: the request says whether the token verifies, and a
// token with exp/nbf is reported as not modeled. Any other status is a 401.
package main

import (
	"fmt"
	"sort"
	"strings"

	jwtpb "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/jwt_authn/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

const jwtFilterName = "envoy.filters.http.jwt_authn"

type jwtStatus string

const (
	jwtOk              jwtStatus = "Ok"
	jwtMissed          jwtStatus = "JwtMissed"
	jwtUnknownIssuer   jwtStatus = "JwtUnknownIssuer"
	jwtVerifyFail      jwtStatus = "JwtVerificationFail"
	jwtAudienceRefused jwtStatus = "JwtAudienceNotAllowed"
)

// jwtToken is the token a request carries: where it was sent and what it holds.
type jwtToken struct {
	// header: lower-cased header name; param: query parameter; exactly one is set.
	header string
	param  string
	// invalid: the token fails signature verification.
	invalid bool
	payload map[string]any
}

type jwtOutcome struct {
	status jwtStatus
	// payload: the verified payload as the chosen provider wrote it to metadata (Ok only).
	payload *structpb.Struct
	// provider: the provider whose verification set the payload.
	provider string
}

type jwtVerifier struct {
	cfg   *jwtpb.JwtAuthentication
	token *jwtToken
	// wrote is set by the first provider verification that succeeds (Envoy stops there).
	out jwtOutcome
}

// runJwtAuthn evaluates the filter's single requirement rule (Istio emits one, matching prefix "/").
func runJwtAuthn(cfg *jwtpb.JwtAuthentication, token *jwtToken) (jwtOutcome, error) {
	rules := cfg.GetRules()
	if len(rules) != 1 || rules[0].GetMatch().GetPrefix() != "/" {
		return jwtOutcome{}, fmt.Errorf("jwt_authn rules other than one prefix \"/\" rule are not modeled")
	}
	v := &jwtVerifier{cfg: cfg, token: token}
	st, err := v.requirement(rules[0].GetRequires())
	if err != nil {
		return jwtOutcome{}, err
	}
	out := v.out
	out.status = st
	if st != jwtOk {
		out.payload = nil
	}
	return out, nil
}

func (v *jwtVerifier) requirement(req *jwtpb.JwtRequirement) (jwtStatus, error) {
	switch t := req.GetRequiresType().(type) {
	case *jwtpb.JwtRequirement_ProviderName:
		return v.provider(t.ProviderName)
	case *jwtpb.JwtRequirement_RequiresAny:
		allowMissing := false
		var children []*jwtpb.JwtRequirement
		for _, c := range t.RequiresAny.GetRequirements() {
			switch c.GetRequiresType().(type) {
			case *jwtpb.JwtRequirement_AllowMissing:
				allowMissing = true
			case *jwtpb.JwtRequirement_AllowMissingOrFailed:
				return "", fmt.Errorf("allow_missing_or_failed is not modeled")
			default:
				children = append(children, c)
			}
		}
		if len(children) == 0 {
			return "", fmt.Errorf("requires_any with only allow_missing is not modeled")
		}
		final := jwtMissed
		for _, c := range children {
			st, err := v.requirement(c)
			if err != nil {
				return "", err
			}
			if st == jwtOk {
				return jwtOk, nil
			}
			if (st != jwtMissed && st != jwtUnknownIssuer) || final == jwtMissed {
				final = st
			}
		}
		if allowMissing && final == jwtMissed {
			return jwtOk, nil
		}
		return final, nil
	case *jwtpb.JwtRequirement_RequiresAll:
		for _, c := range t.RequiresAll.GetRequirements() {
			st, err := v.requirement(c)
			if err != nil || st != jwtOk {
				return st, err
			}
		}
		return jwtOk, nil
	default:
		return "", fmt.Errorf("jwt requirement %T is not modeled", t)
	}
}

// reads reports whether provider p extracts a token from where the request put it.
func reads(p *jwtpb.JwtProvider, t *jwtToken) bool {
	if len(p.GetFromHeaders()) == 0 && len(p.GetFromParams()) == 0 && len(p.GetFromCookies()) == 0 {
		return t.header == "authorization" || t.param == "access_token"
	}
	if t.header != "" {
		for _, h := range p.GetFromHeaders() {
			if strings.ToLower(h.GetName()) == t.header {
				return true
			}
		}
	}
	if t.param != "" {
		for _, q := range p.GetFromParams() {
			if q == t.param {
				return true
			}
		}
	}
	return false
}

func (v *jwtVerifier) provider(name string) (jwtStatus, error) {
	p, ok := v.cfg.GetProviders()[name]
	if !ok {
		return "", fmt.Errorf("required provider %q is not configured", name)
	}
	t := v.token
	if t == nil || !reads(p, t) {
		return jwtMissed, nil
	}
	if t.invalid {
		return jwtVerifyFail, nil
	}
	iss, _ := t.payload["iss"].(string)
	if p.GetIssuer() != "" && p.GetIssuer() != iss {
		return jwtUnknownIssuer, nil
	}
	if !audiencesAllowed(p.GetAudiences(), audiencesOf(t.payload)) {
		return jwtAudienceRefused, nil
	}
	if v.out.payload == nil {
		s, err := payloadStruct(t.payload, p.GetNormalizePayloadInMetadata().GetSpaceDelimitedClaims())
		if err != nil {
			return "", err
		}
		v.out.payload, v.out.provider = s, name
	}
	return jwtOk, nil
}

func audiencesOf(payload map[string]any) []string {
	switch a := payload["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		out := []string{}
		for _, e := range a {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// sanitizeAudience: jwt_verify_lib CheckAudience strips a scheme prefix and one trailing slash.
func sanitizeAudience(aud string) string {
	if aud == "" {
		return aud
	}
	s := aud
	if strings.HasPrefix(s, "http://") {
		s = s[len("http://"):]
	} else if strings.HasPrefix(s, "https://") {
		s = s[len("https://"):]
	}
	return strings.TrimSuffix(s, "/")
}

func audiencesAllowed(config, token []string) bool {
	if len(config) == 0 {
		return true
	}
	allowed := map[string]bool{}
	for _, a := range config {
		allowed[sanitizeAudience(a)] = true
	}
	for _, a := range token {
		if allowed[sanitizeAudience(a)] {
			return true
		}
	}
	return false
}

// payloadStruct: the payload as Envoy writes it to metadata (space-delimited claims normalized).
func payloadStruct(payload map[string]any, spaceDelimited []string) (*structpb.Struct, error) {
	s, err := structpb.NewStruct(payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	claims := append([]string(nil), spaceDelimited...)
	sort.Strings(claims)
	for _, c := range claims {
		str, ok := s.GetFields()[c].GetKind().(*structpb.Value_StringValue)
		if !ok {
			continue
		}
		var parts []any
		for _, e := range strings.Split(str.StringValue, " ") {
			if e != "" {
				parts = append(parts, e)
			}
		}
		if len(parts) == 0 {
			continue // absl::SkipEmpty: no element, the field is left as it was
		}
		l, err := structpb.NewList(parts)
		if err != nil {
			return nil, err
		}
		s.Fields[c] = structpb.NewListValue(l)
	}
	return s, nil
}
