package controller

import (
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// denied says, of an apiserver's Forbidden answer (which already names the
// user, verb, resource and namespace), that the controller's RBAC is what
// lacks the permission, and where it is granted.
func denied(err error) error {
	if apierrors.IsForbidden(err) {
		return fmt.Errorf("%w (regcred-controller's RBAC does not grant this: see deploy/rbac.yaml)", err)
	}
	return err
}
