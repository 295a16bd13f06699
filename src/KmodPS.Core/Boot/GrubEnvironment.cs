using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Boot;

/// <summary>
/// The variables GRUB loads from a <c>grubenv</c> file at boot. A missing or empty file gives no variables (GRUB's
/// header only runs <c>load_env</c> for an existing, non-empty file), and so does a file without the signature, which
/// GRUB's <c>load_env</c> rejects (with a warning). A file that cannot be read is <see cref="Unreadable"/>: its
/// variables are not known.
/// </summary>
internal sealed class GrubEnvironment
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    private GrubEnvironment(string? path, IReadOnlyDictionary<string, string> variables, bool unreadable, string? damage = null)
    {
        Path = path;
        Variables = variables;
        Unreadable = unreadable;
        Damage = damage;
    }

    /// <summary>The grubenv file inside the root; null when there is none.</summary>
    public string? Path { get; }

    public IReadOnlyDictionary<string, string> Variables { get; }

    public bool Unreadable { get; }

    /// <summary>What is wrong with the file ("is 500 bytes, not ..."), null when it is a sound block or absent: a change does not write into it.</summary>
    public string? Damage { get; }

    public string? this[string name] => Variables.TryGetValue(name, out var value) ? value : null;

    public static GrubEnvironment Read(ISystemRoot root, string? path, DiagnosticLog log)
    {
        if (path is null || !root.FileExists(path))
        {
            return new GrubEnvironment(null, None, unreadable: false);
        }
        try
        {
            var content = root.ReadAllBytes(path);
            if (content.Length == 0)
            {
                return new GrubEnvironment(path, None, unreadable: false);
            }
            if (GrubEnvironmentBlock.Parse(content) is { } variables)
            {
                if (content.Length != GrubEnvironmentBlock.StandardSize)
                {
                    var size = $"is {content.Length} bytes, not the {GrubEnvironmentBlock.StandardSize} bytes grub-editenv writes";
                    log.Warn($"{root.MapPath(path)} {size}; it may have been edited by hand.");
                    return new GrubEnvironment(path, variables, unreadable: false, size);
                }
                return new GrubEnvironment(path, variables, unreadable: false);
            }
            var signature = $"does not start with '{GrubEnvironmentBlock.Signature.TrimEnd()}'";
            log.Warn($"{root.MapPath(path)} {signature}; GRUB's load_env rejects it, so no saved_entry or next_entry is set at boot.");
            return new GrubEnvironment(path, None, unreadable: false, signature);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"Cannot read {root.MapPath(path)}: {e.Message}");
            // Not damage: a user who may not read it may not write it either, and the change says so (RootRequired).
            return new GrubEnvironment(path, None, unreadable: true);
        }
    }
}
