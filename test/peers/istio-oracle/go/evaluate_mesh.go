// The mesh side of `oracle evaluate`: the YAML of one mesh becomes the PushContext istiod would build
// (Istio's own model: config store, AuthorizationPolicies sorted by creation time, PeerAuthentication
// and RequestAuthentication indexes, the service index ext-authz providers are looked up in, the
// MeshConfig of the `istio` ConfigMap with Istio's defaults).
//
// Istio security resources are converted with crd.ConvertObject; one that does not convert (the API
// server would have rejected it) is left out, and one istiod's webhook rejects is kept but reported.
// Two deliberate departures, both reported with every answer:
//   - JWKS sources are replaced by an inline placeholder: signatures are not verified here (the
//     request says whether its token verifies), and istiod would otherwise fetch jwksUri;
//   - every ext-authz provider's service is assumed to exist in the service registry (gic reads a
//     snapshot that need not hold it), so the cluster lookup never turns CUSTOM into DENY.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	meshconfig "istio.io/api/mesh/v1alpha1"
	"istio.io/api/security/v1beta1"
	"istio.io/istio/pilot/pkg/config/kube/crd"
	"istio.io/istio/pilot/pkg/config/memory"
	"istio.io/istio/pilot/pkg/model"
	memregistry "istio.io/istio/pilot/pkg/serviceregistry/memory"
	"istio.io/istio/pilot/pkg/serviceregistry/provider"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/host"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/gvk"
	"istio.io/istio/pkg/config/schema/resource"
	"istio.io/istio/pkg/kube/krt"
)

// placeholderJwks is a syntactically valid JWKS; its key is never used.
const placeholderJwks = `{"keys":[{"kty":"EC","crv":"P-256","x":"-_Osx6tekqo6_77Fg1Q5GwGAvLtUIduhI3y7o6CczO4","y":"olkQeesY0tJuPvYFfcyxqclWFpXZjd-hOfRujX_vcOs"}]}`

type oracleMesh struct {
	push *model.PushContext
	stop chan struct{}
	// rejected: security resources the webhook rejects ("Kind ns/name: error"), kept in the mesh.
	rejected []string
	// dropped: security resources that do not convert at all, left out of the mesh.
	dropped []string
}

func (m *oracleMesh) close() { close(m.stop) }

func newOracleMesh(resources string) (*oracleMesh, error) {
	meshCfg := mesh.DefaultMeshConfig()
	var cms []*unstructured.Unstructured
	var configs []config.Config
	var services []*model.Service
	out := &oracleMesh{stop: make(chan struct{})}

	reader := kubeyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(resources)))
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading YAML: %w", err)
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("decoding YAML: %w", err)
		}
		if len(obj) == 0 {
			continue
		}
		un := &unstructured.Unstructured{Object: obj}
		kgvk := un.GroupVersionKind()
		switch {
		case kgvk.Group == "" && kgvk.Kind == "ConfigMap" && un.GetName() == "istio":
			cms = append(cms, un)
			continue
		case kgvk.Group == "" && kgvk.Kind == "Service":
			ns := un.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			services = append(services, serviceOf(un.GetName(), ns))
			continue
		}
		s, known := collections.Pilot.FindByGroupVersionAliasesKind(resource.FromKubernetesGVK(&kgvk))
		if !known || s.Group() != gvk.AuthorizationPolicy.Group {
			continue
		}
		if un.GetNamespace() == "" {
			un.SetNamespace("default")
		}
		raw, _ := json.Marshal(un.Object)
		var ik crd.IstioKind
		if err := json.Unmarshal(raw, &ik); err != nil {
			out.dropped = append(out.dropped, fmt.Sprintf("%s %s/%s: %v", kgvk.Kind, un.GetNamespace(), un.GetName(), err))
			continue
		}
		cfg, err := crd.ConvertObject(s, &ik, "cluster.local")
		if err != nil {
			out.dropped = append(out.dropped, fmt.Sprintf("%s %s/%s: %v", kgvk.Kind, un.GetNamespace(), un.GetName(), err))
			continue
		}
		if _, err := s.ValidateConfig(*cfg); err != nil {
			out.rejected = append(out.rejected, fmt.Sprintf("%s %s/%s: %v", kgvk.Kind, un.GetNamespace(), un.GetName(), err))
		}
		if ra, ok := cfg.Spec.(*v1beta1.RequestAuthentication); ok {
			for _, r := range ra.GetJwtRules() {
				r.JwksUri, r.Jwks = "", placeholderJwks
			}
		}
		configs = append(configs, *cfg)
	}
	if cm := chooseMeshConfigMap(cms); cm != nil {
		text, _, _ := unstructured.NestedString(cm.Object, "data", "mesh")
		mc, err := mesh.ApplyMeshConfigDefaults(text)
		if err != nil {
			return nil, fmt.Errorf("MeshConfig in ConfigMap %s/istio: %w", cm.GetNamespace(), err)
		}
		meshCfg = mc
	}
	services = append(services, providerServices(meshCfg, services)...)

	store := memory.NewController(memory.MakeSkipValidation(collections.Pilot))
	for _, c := range configs {
		if _, err := store.Create(c); err != nil {
			return nil, fmt.Errorf("storing %s %s/%s: %w", c.GroupVersionKind.Kind, c.Namespace, c.Name, err)
		}
	}
	env := model.NewEnvironment()
	env.ServiceDiscovery = memregistry.NewServiceDiscovery(services...)
	env.ConfigStore = store
	env.Watcher = meshwatcher.NewTestWatcher(meshCfg)
	env.VirtualServiceController = model.NewVirtualServiceController(store, model.VSControllerOptions{KrtDebugger: krt.GlobalDebugHandler}, meshwatcher.NewTestWatcher(meshCfg))
	go store.Run(out.stop)
	go env.VirtualServiceController.Run(out.stop)
	if !waitSynced(out.stop, store.HasSynced, env.VirtualServiceController.HasSynced) {
		return nil, fmt.Errorf("config store did not sync")
	}
	env.Init()
	push := model.NewPushContext()
	push.InitContext(env, nil, nil)
	env.SetPushContext(push)
	out.push = push
	return out, nil
}

// chooseMeshConfigMap: the `istio` ConfigMap in istio-system, else the only one (as gic reads it).
func chooseMeshConfigMap(cms []*unstructured.Unstructured) *unstructured.Unstructured {
	for _, cm := range cms {
		if cm.GetNamespace() == "istio-system" {
			return cm
		}
	}
	if len(cms) > 0 {
		return cms[0]
	}
	return nil
}

func serviceOf(name, namespace string) *model.Service {
	return &model.Service{
		Hostname: host.Name(fmt.Sprintf("%s.%s.svc.cluster.local", name, namespace)),
		Attributes: model.ServiceAttributes{
			Name:            name,
			Namespace:       namespace,
			ServiceRegistry: provider.Kubernetes,
		},
	}
}

// providerServices: a registry entry for every ext-authz provider service the mesh does not hold.
func providerServices(mc *meshconfig.MeshConfig, have []*model.Service) []*model.Service {
	known := map[string]bool{}
	for _, s := range have {
		known[string(s.Hostname)] = true
	}
	var out []*model.Service
	for _, p := range mc.GetExtensionProviders() {
		var svc string
		switch t := p.GetProvider().(type) {
		case *meshconfig.MeshConfig_ExtensionProvider_EnvoyExtAuthzHttp:
			svc = t.EnvoyExtAuthzHttp.GetService()
		case *meshconfig.MeshConfig_ExtensionProvider_EnvoyExtAuthzGrpc:
			svc = t.EnvoyExtAuthzGrpc.GetService()
		default:
			continue
		}
		ns, hostname := "oracle-assumed", svc
		if parts := strings.Split(svc, "/"); len(parts) == 2 {
			ns, hostname = parts[0], parts[1]
		}
		if hostname == "" || known[hostname] {
			continue
		}
		known[hostname] = true
		out = append(out, &model.Service{
			Hostname:   host.Name(hostname),
			Attributes: model.ServiceAttributes{Name: hostname, Namespace: ns, ServiceRegistry: provider.External},
		})
	}
	return out
}

func waitSynced(stop chan struct{}, fns ...func() bool) bool {
	for _, f := range fns {
		for !f() {
			select {
			case <-stop:
				return false
			default:
			}
			sleepBriefly()
		}
	}
	return true
}
