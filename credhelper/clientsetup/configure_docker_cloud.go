package clientsetup

// cloudHosts are the exact registry hosts of the clouds regcred has
// built-in entries for, for `configure-docker --cloud`: docker's
// credHelpers keys are exact hosts, so the globbed built-in patterns are
// spelled out. ECR private hosts (<account>.dkr.ecr.<region>.amazonaws.com)
// and ACR login servers (<name>.azurecr.io, .cn, .us) cannot be listed; name
// them with --host, or use credsStore.
func cloudHosts() []string {
	hosts := []string{
		"gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io", "marketplace.gcr.io",
		"public.ecr.aws", "ecr-public.aws.com",
	}
	for _, region := range artifactRegistryLocations() {
		hosts = append(hosts, region+"-docker.pkg.dev")
	}
	return hosts
}

// artifactRegistryLocations are Artifact Registry's multi-regions and
// regions (what `gcloud auth configure-docker` offers).
func artifactRegistryLocations() []string {
	return []string{
		"africa-south1", "asia", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2",
		"asia-northeast3", "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
		"australia-southeast1", "australia-southeast2", "europe", "europe-central2", "europe-north1",
		"europe-north2", "europe-southwest1", "europe-west1", "europe-west2", "europe-west3",
		"europe-west4", "europe-west6", "europe-west8", "europe-west9", "europe-west10",
		"europe-west12", "me-central1", "me-central2", "me-west1", "northamerica-northeast1",
		"northamerica-northeast2", "northamerica-south1", "southamerica-east1", "southamerica-west1",
		"us", "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1",
		"us-west2", "us-west3", "us-west4",
	}
}
