namespace KmodPS.Core.Boot;

/// <summary>A value assigned in a shell fragment; <paramref name="IsStatic"/> is false when the shell would have to expand it.</summary>
internal sealed record ShellValue(string Value, bool IsStatic);
