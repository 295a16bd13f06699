namespace KmodPS.Tests.Lab;

/// <summary>A test against the lab worlds: skipped with a reason when the lab cannot run here (unless KMODPS_LAB=required).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (LabEnvironment.SkipReason() is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that runs lab tools: skipped with a reason when the lab cannot run here (unless KMODPS_LAB=required).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        if (LabEnvironment.SkipReason() is { } reason)
        {
            Skip = reason;
        }
    }
}
