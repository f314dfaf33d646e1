// Command regcred-controller keeps image pull Secrets fresh across a
// Kubernetes cluster from the regcred config's pullSecrets section. It alone
// links client-go and controller-runtime; see the controller package and
// docs/cluster.md.
package main

import (
	"os"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/regcred/regcred/controller"
)

func main() {
	os.Exit(controller.Main(ctrl.SetupSignalHandler(), os.Args[1:]))
}
