namespace KmodPS.Core.Dkms;

/// <summary>One parsed line of <c>dkms status</c> text (any dkms version's format).</summary>
internal sealed record DkmsStatusLine(string Module, string Version, string? KernelVersion, string? Arch, string State, string? Note);
