namespace KmodPS.Core.Modules;

/// <summary>Decides whether a module's vermagic fits the kernel it is installed for.</summary>
internal static class Vermagic
{
    /// <summary>A sentence saying how it mismatches, or null when it matches (or cannot be judged).</summary>
    /// <param name="weakUpdate">RHEL weak-updates carry another kernel's vermagic by design: only the base version must agree.</param>
    public static string? Mismatch(string kernelVersion, string? vermagic, string? referenceVermagic, bool weakUpdate)
    {
        if (string.IsNullOrEmpty(vermagic))
        {
            return "The module has no vermagic.";
        }
        var moduleKernel = vermagic.Split(' ', 2)[0];
        if (weakUpdate)
        {
            return BaseVersion(moduleKernel) == BaseVersion(kernelVersion)
                ? null
                : $"vermagic {moduleKernel} is not in the kABI stream of {kernelVersion}.";
        }
        if (moduleKernel != kernelVersion)
        {
            return $"vermagic says {moduleKernel}, but it is installed for {kernelVersion}.";
        }
        if (referenceVermagic is not null && Normalize(referenceVermagic) != Normalize(vermagic))
        {
            return $"vermagic '{vermagic.Trim()}' differs from the kernel's '{referenceVermagic.Trim()}'.";
        }
        return null;
    }

    private static string BaseVersion(string kernel) => kernel.Split('-', 2)[0];

    private static string Normalize(string vermagic) => string.Join(' ', vermagic.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
