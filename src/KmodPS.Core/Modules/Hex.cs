namespace KmodPS.Core.Modules;

/// <summary>Hex in modinfo's style: upper case, bytes separated by colons.</summary>
internal static class Hex
{
    public static string Colon(ReadOnlySpan<byte> bytes) => string.Join(':', bytes.ToArray().Select(b => b.ToString("X2")));
}
