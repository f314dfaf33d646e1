package ecrtest

// Op is an API operation of the fake cloud.
type Op string

// The operations the cloud serves.
const (
	// ECR is ECR's GetAuthorizationToken.
	ECR Op = "ecr:GetAuthorizationToken"
	// ECRPublic is ECR Public's GetAuthorizationToken.
	ECRPublic Op = "ecr-public:GetAuthorizationToken"
	// AssumeRole and AssumeRoleWithWebIdentity are STS's.
	AssumeRole                Op = "sts:AssumeRole"
	AssumeRoleWithWebIdentity Op = "sts:AssumeRoleWithWebIdentity"
	// ContainerCredentials is a GET of the container credentials endpoint.
	ContainerCredentials Op = "container-credentials"
)

// Fault is a failure the cloud answers instead of a token, after it has
// authenticated the request, the way AWS does.
type Fault int

// The faults FailNext can inject.
const (
	// Throttle answers 400 ThrottlingException "Rate exceeded".
	Throttle Fault = iota + 1
	// AccessDenied answers 400 AccessDeniedException naming the action.
	AccessDenied
	// ServerError answers 500 ServerException.
	ServerError
	// Slow holds the response until the client gives up (or the test ends).
	Slow
)

// FailNext makes the next n requests to op (ECR or ECRPublic) that pass
// authentication answer f; later requests succeed again.
func (c *Cloud) FailNext(op Op, f Fault, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range n {
		c.faults[op] = append(c.faults[op], f)
	}
}

// nextFault pops the fault the next request to op gets, or 0.
func (c *Cloud) nextFault(op Op) Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.faults[op]
	if len(q) == 0 {
		return 0
	}
	c.faults[op] = q[1:]
	return q[0]
}
