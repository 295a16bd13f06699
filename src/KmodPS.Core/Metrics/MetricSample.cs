namespace KmodPS.Core.Metrics;

/// <summary>One sample of a metric family: labels and a value.</summary>
internal sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);
