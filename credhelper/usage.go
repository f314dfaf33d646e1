package credhelper

const usageLine = "Usage: docker-credential-regcred [--config FILE] <store|get|erase|list|version>"

const helpText = usageLine + `

One credential helper for every container registry. Clients run it with a
verb and talk to it on stdin/stdout (the Docker credential-helper protocol):

  get       read a registry or image on stdin, print {"ServerURL","Username","Secret"}
  store     read {"ServerURL","Username","Secret"} on stdin (docker login)
  erase     read a registry on stdin and forget what is stored or cached for it
  list      print a JSON object: registry -> username
  version   print the version

Options:
  --config FILE   config file (else $REGCRED_CONFIG, $XDG_CONFIG_HOME/regcred/config.yaml,
                  ~/.config/regcred/config.yaml, /etc/regcred/config.yaml)
  --version, -v   print the version
  --help, -h      this text

Environment:
  REGCRED_LOG=debug   log which entries matched, which were tried and why each was
                      skipped (to stderr; secrets are never logged)
`
