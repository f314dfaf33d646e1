//go:build tools

// Temporary: keeps the chosen backend modules pinned while their packages are
// being written. Removed once every one is imported by real code.
package regcred

import (
	_ "github.com/aws/aws-sdk-go-v2/aws"
	_ "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/credentials"
	_ "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	_ "github.com/aws/aws-sdk-go-v2/service/ecr"
	_ "github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "github.com/distribution/reference"
	_ "github.com/docker/docker-credential-helpers/client"
	_ "github.com/docker/docker-credential-helpers/credentials"
	_ "github.com/gofrs/flock"
	_ "github.com/google/go-containerregistry/pkg/authn"
	_ "github.com/google/go-containerregistry/pkg/name"
	_ "github.com/google/go-containerregistry/pkg/v1/random"
	_ "github.com/google/go-containerregistry/pkg/v1/remote"
	_ "github.com/oracle/oci-go-sdk/v65/common"
	_ "github.com/oracle/oci-go-sdk/v65/common/auth"
	_ "github.com/oracle/oci-go-sdk/v65/secrets"
	_ "github.com/zalando/go-keyring"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/oauth2/google"
	_ "golang.org/x/oauth2/jwt"
)
