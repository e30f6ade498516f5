using System.Text.Json;

namespace Shoal.Operator.Runtime;

// Our CR types carry their own JSON names; camelCase here is for patches written as anonymous objects.
// Nulls are written: in a merge patch null means "remove this field".
internal static class KubeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
