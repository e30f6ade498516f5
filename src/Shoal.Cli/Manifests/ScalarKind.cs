namespace Shoal.Cli.Manifests;

// How a YAML 1.2 core-schema parser (and therefore kubectl) would type a scalar.
internal enum ScalarKind
{
    Null,
    Bool,
    Integer,
    Float,
    String,
}
