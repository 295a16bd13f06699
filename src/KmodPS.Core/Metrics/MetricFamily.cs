namespace KmodPS.Core.Metrics;

/// <summary>A Prometheus metric family: name, help text, type and its samples.</summary>
internal sealed record MetricFamily(string Name, string Help, string Type, IReadOnlyList<MetricSample> Samples);
