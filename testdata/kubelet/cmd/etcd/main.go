// Command etcd is etcd's server, built from the module proxy for the
// controller's tests against a real kube-apiserver (see internal/kubetest).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
