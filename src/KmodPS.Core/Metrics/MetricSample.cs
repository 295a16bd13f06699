namespace KmodPS.Core.Metrics;

/// <summary>One sample of a metric family: labels and a value.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);
