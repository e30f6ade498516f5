namespace Shoal.Deploy.Tests.Chart;

public sealed class ChartTemplateTests
{
    [Fact]
    public void Skeleton_drops_action_lines_and_replaces_inline_actions()
    {
        const string template = """
            {{- if .Values.enabled }}
            metadata:
              name: {{ include "x.fullname" . }}
              labels:
                {{- include "x.labels" . | nindent 4 }}
            spec:
              args:
                - --flag={{ .Values.flag }}
                {{- with .Values.extra }}
                {{- toYaml . | nindent 4 }}
                {{- end }}
            {{- end }}
            """;

        Assert.Equal("""
            metadata:
              name: TEMPLATED
              labels:
            spec:
              args:
                - --flag=TEMPLATED
            """, ChartTemplate.Skeleton(template));
    }

    [Fact]
    public void Value_references_are_found_with_their_full_path()
    {
        var references = ChartTemplate.ValueReferences("""{{ .Values.aws.region | quote }} {{- with .Values.metrics.serviceMonitor.labels }}""");

        Assert.Equal(["aws.region", "metrics.serviceMonitor.labels"], references);
    }
}
