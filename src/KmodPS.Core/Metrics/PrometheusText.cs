using System.Globalization;
using System.Text;

namespace KmodPS.Core.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (what node_exporter's textfile collector reads): per family a
/// <c># HELP</c> and <c># TYPE</c> line, then <c>name{label="value",...} value</c>; label values escape \, " and newline.
/// </summary>
internal static class PrometheusText
{
    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            foreach (var sample in family.Samples)
            {
                text.Append(family.Name);
                if (sample.Labels.Count > 0)
                {
                    text.Append('{').AppendJoin(',', sample.Labels.Select(l => $"{l.Key}=\"{EscapeLabel(l.Value)}\"")).Append('}');
                }
                text.Append(' ').Append(Format(sample.Value)).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");
}
