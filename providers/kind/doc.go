// Package kind is how a backend registers itself with the engine: one
// *Kind per backend, made by New from a Spec in the backend's own package
// (its exported func Kind, never an init()), and listed once in the
// engine's kind table (credhelper/config, Kinds).
//
// A Spec says everything the engine needs to know about a kind:
//
//   - Name, the entry's key in the config file ("ecr:");
//   - the config type C, the settings block the loader decodes strictly
//     into a *C. Its methods are the kind's contract with the engine:
//     Validate (required, no I/O), and optionally EnvKeys
//     (providers.AmbientEnv) and IdentityFiles (providers.IdentityFiles),
//     which enter the cache key, UsesPodIdentity and PodAnnotations
//     (providers.PodIdentity) for kubelet requests, HasInlineSecret,
//     which makes the loader warn about a config file others can read,
//     and IdentitySource (providers.IdentitySource), which `check` shows;
//   - Cached, whether its credentials go through the token cache;
//   - Defaults, the built-in entries it contributes (used without a
//     config file, and after the file's entries unless `defaults: false`);
//   - New, the backend's constructor.
//
// A new backend is therefore one directory under providers/ holding its
// Config, its Provider and its Kind, plus one line in the engine's table;
// its settings are then documented in docs/config.md and
// docs/config.schema.json, which tests hold to the Config type.
// The package imports providers and netdeps only, so backends and the
// engine's config can both import it; it never imports the engine.
package kind
