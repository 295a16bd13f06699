using System.Text;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Guard;

/// <summary>Reads and writes <see cref="GuardState"/> as JSON (camelCase, enums as names), atomically.</summary>
public static class GuardStateFile
{
    /// <summary>0644: the verdict is for every admin to read.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The state, or null when the file does not exist; <paramref name="error"/> says why an existing file could not be used.</summary>
    public static GuardState? Read(ISystemRoot root, out string? error)
    {
        error = null;
        if (!root.FileExists(GuardLayout.StatePath))
        {
            return null;
        }
        try
        {
            return Parse(root.ReadAllText(GuardLayout.StatePath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = $"{root.MapPath(GuardLayout.StatePath)} cannot be read: {e.Message}";
            return null;
        }
    }

    /// <exception cref="InvalidDataException">The text is not a guard state.</exception>
    public static GuardState Parse(string json) => StateJson.Read<GuardState>(json) ?? new GuardState();

    public static string Serialize(GuardState state) => StateJson.Write(state, omitNulls: true) + "\n";

    /// <summary>Writes the state atomically (temp file, fsync, rename), creating <c>/var/lib/kmodps</c> when needed.</summary>
    public static void Write(ISystemRoot root, GuardState state)
    {
        RootJail.For(root).WriteFile(GuardLayout.StatePath, Encoding.UTF8.GetBytes(Serialize(state)), Mode);
    }

    /// <summary>The file's SHA-256 (hex), for records and tests.</summary>
    public static string Sha256(string content) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content))).ToLowerInvariant();
}
