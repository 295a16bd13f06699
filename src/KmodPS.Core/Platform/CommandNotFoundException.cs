namespace KmodPS.Core.Platform;

/// <summary>A native program that KmodPS needs is not installed.</summary>
public sealed class CommandNotFoundException : Exception
{
    public CommandNotFoundException(string program)
        : base($"The program '{program}' was not found on PATH.")
    {
        Program = program;
    }

    public string Program { get; }
}
