using System.Xml;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Packages;

/// <summary>
/// SUSE's repository answer: the transaction <c>zypper update</c> would run, from zypper itself
/// (<c>zypper --non-interactive --xmlout [--root &lt;root&gt;] [--no-refresh] update --dry-run</c>), so its locks,
/// multiversion setting and solver decide, as they will when the admin runs it.
/// </summary>
internal sealed class ZypperQuery(ISystemRoot root, ICommandRunner runner) : IZyppRepository
{
    public ZypperTransaction? SimulateUpdate(bool offline, DiagnosticLog log)
    {
        var arguments = new List<string> { "--non-interactive", "--xmlout" };
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        if (!root.IsHostRoot)
        {
            // zypper refreshes the root's cache and takes its lock (run/zypp.pid) through the root's links as host paths.
            try
            {
                RootJail.For(root).RequireSameForPrefixTools(PrefixToolDirectories.Zypper);
            }
            catch (PathOutsideRootException e)
            {
                log.Fail(new Failure(ErrorIds.PathOutsideRoot, FailureCategory.SecurityError, e.Message, root.RootPath));
                return null;
            }
            arguments.AddRange(new[] { "--root", root.RootPath });
            // Under --root zypper still logs to this host's /var/log/zypper.log.
            environment["ZYPP_LOGFILE"] = "/dev/null";
        }
        if (offline)
        {
            arguments.Add("--no-refresh");
        }
        arguments.AddRange(new[] { "update", "--dry-run" });
        // zypper's scratch files go to a directory of KmodPS's own (reclaimed if this process is killed), not /var/tmp.
        var scratch = TemporaryDirectories.Create();
        environment["ZYPPTMPDIR"] = scratch.FullName;
        var request = new CommandRequest("zypper", arguments) { Timeout = TimeSpan.FromMinutes(5), Environment = environment };
        CommandResult result;
        try
        {
            result = runner.Run(request);
        }
        catch (CommandNotFoundException e)
        {
            log.Fail(new Failure(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, e.Message, root.RootPath));
            return null;
        }
        finally
        {
            TemporaryDirectories.Delete(scratch.FullName);
        }
        ZypperTransaction? parsed = null;
        string? problem = null;
        try
        {
            parsed = Parse(result.StandardOutput);
        }
        catch (XmlException e)
        {
            problem = $"its XML output cannot be read: {e.Message}";
        }
        if (result.Succeeded && parsed is { Errors.Count: 0 })
        {
            return parsed;
        }
        var errors = parsed?.Errors.Count > 0 ? string.Join(" ", parsed.Errors) : problem ?? result.StandardError.Trim();
        log.Fail(new Failure(ErrorIds.PackageQueryFailed, FailureCategory.ResourceUnavailable,
            $"{request.DisplayText} failed (exit {result.ExitCode}): {errors}", root.RootPath,
            "Run 'zypper refresh' if the repositories are not cached; if another zypper holds the lock (exit 7), retry when it has finished; resolve a solver problem (exit 4) with zypper first."));
        return null;
    }

    /// <summary>
    /// The solvables of <c>&lt;install-summary&gt;</c>: to-install, to-upgrade (with the edition they replace),
    /// to-downgrade and to-reinstall are installed, to-remove removed; error messages are kept.
    /// </summary>
    public static ZypperTransaction Parse(string output)
    {
        var installs = new List<ZypperSolvable>();
        var removes = new List<ZypperSolvable>();
        var errors = new List<string>();
        var start = output.IndexOf("<?xml", StringComparison.Ordinal);
        using var reader = XmlReader.Create(new StringReader(start < 0 ? output : output[start..]), RepodataKernelCandidates.Settings);
        string? list = null;
        reader.MoveToContent();
        // ReadElementContentAsString leaves the reader on the next node already, so that case does not Read again.
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == list)
            {
                list = null;
            }
            else if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "to-install" or "to-upgrade" or "to-downgrade" or "to-reinstall" or "to-change-arch" or "to-upgrade-change-arch" or "to-downgrade-change-arch" or "to-remove":
                        list = reader.LocalName;
                        break;
                    case "solvable" when list is not null && reader.GetAttribute("type") is null or "package"
                        && reader.GetAttribute("name") is { } name && reader.GetAttribute("edition") is { } edition:
                        var solvable = new ZypperSolvable(name, edition, reader.GetAttribute("arch") ?? string.Empty, reader.GetAttribute("edition-old"));
                        (list == "to-remove" ? removes : installs).Add(solvable);
                        break;
                    case "message" when reader.GetAttribute("type") == "error":
                        errors.Add(reader.ReadElementContentAsString().Trim());
                        continue;
                }
            }
            reader.Read();
        }
        return new ZypperTransaction(installs, removes, errors);
    }
}

/// <summary>What <c>zypper update --dry-run</c> would install (upgrades among them) and remove.</summary>
public sealed record ZypperTransaction(IReadOnlyList<ZypperSolvable> Installs, IReadOnlyList<ZypperSolvable> Removes, IReadOnlyList<string> Errors);

/// <summary>One package of zypper's summary: <c>edition</c> is version-release (epoch only when not 0); <c>OldEdition</c> the one an upgrade replaces.</summary>
public sealed record ZypperSolvable(string Name, string Edition, string Arch, string? OldEdition)
{
    public string Version => Edition[(Edition.IndexOf(':') + 1)..Edition.LastIndexOf('-')];

    public string Release => Edition[(Edition.LastIndexOf('-') + 1)..];

    public string Nevra => $"{Name}-{Edition}.{Arch}";
}
