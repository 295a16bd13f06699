namespace KmodPS.Core.Diagnostics;

/// <summary>A typed failure with a stable id; <paramref name="Target"/> is the kernel, module or file concerned.</summary>
public sealed record Failure(string ErrorId, FailureCategory Category, string Message, object? Target = null, string? RecommendedAction = null)
{
    /// <summary>The failure this one reports on top of (a RestoreFailed keeps the failure that needed the restore); null for most.</summary>
    public Failure? Cause { get; init; }
}
