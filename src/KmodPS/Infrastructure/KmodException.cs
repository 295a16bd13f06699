namespace KmodPS.Infrastructure;

/// <summary>The exception inside every KmodPS ErrorRecord, so <c>catch [KmodPS.Infrastructure.KmodException]</c> works in scripts.</summary>
public sealed class KmodException : Exception
{
    public KmodException(string message)
        : base(message)
    {
    }

    /// <param name="inner">The exception of the failure this one reports on top of (a RestoreFailed's original failure).</param>
    public KmodException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
