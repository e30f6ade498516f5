namespace Shoal.Api.Schema;

// A CEL validation rule (x-kubernetes-validations) for rules OpenAPI cannot express, usually across
// fields. `self` is the object the attribute sits on (or the property's value). A real API server
// enforces these; the message is what `kubectl apply` prints, so it should say how to fix the manifest.
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    // Relative to self, e.g. ".minWorkers", so the error names the field to change rather than its parent.
    public string? FieldPath { get; set; }

    // A Kubernetes field error reason such as FieldValueForbidden; null leaves the API server's default.
    public string? Reason { get; set; }
}
