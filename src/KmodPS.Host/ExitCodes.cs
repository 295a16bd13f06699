namespace KmodPS.Host;

/// <summary>The runner's exit status, as documented in its usage text.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int FalseResult = 1;
    public const int Error = 2;
}
