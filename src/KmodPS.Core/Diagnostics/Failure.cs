namespace KmodPS.Diagnostics;

/// <summary>A typed failure with a stable id; <paramref name="Target"/> is the kernel, module or file concerned.</summary>
public sealed record Failure(string ErrorId, FailureCategory Category, string Message, object? Target = null, string? RecommendedAction = null);
