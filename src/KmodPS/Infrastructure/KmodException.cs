namespace KmodPS.Infrastructure;

/// <summary>The exception inside every KmodPS ErrorRecord, so <c>catch [KmodPS.Infrastructure.KmodException]</c> works in scripts.</summary>
public sealed class KmodException : Exception
{
    public KmodException(string message)
        : base(message)
    {
    }
}
