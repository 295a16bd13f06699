using KmodPS.Core.Diagnostics;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>
/// Runs a <see cref="RemovalPlan"/>'s command. Under an alternate root, dnf gets a private HOME whose
/// <c>.rpmmacros</c> names the root's rpm database (rpm built for other distributions, Debian's, keeps it in
/// <c>~/.rpmdb</c>), removed afterwards.
/// </summary>
public static class KernelRemover
{
    /// <summary>Runs the plan's command and <paramref name="readBack"/> holding the root's change lock; the read-back's failure, or a refusal.</summary>
    /// <exception cref="PathOutsideRootException">A directory dnf writes under the root is a link dnf would follow out of it; dnf did not run.</exception>
    public static Failure? Apply(ISystemRoot root, RemovalPlan plan, ICommandRunner runner, string kernelVersion, Func<CommandResult, Failure?> readBack) =>
        RootChangeLock.Around(root, () => readBack(Run(plan, runner, root)), refusal => refusal with { Target = kernelVersion });

    private static CommandResult Run(RemovalPlan plan, ICommandRunner runner, ISystemRoot root)
    {
        var command = plan.Command ?? throw new InvalidOperationException("A refused plan has no command.");
        RootJail.For(root).RequireSameForPrefixTools(PrefixToolDirectories.Dnf);
        if (plan.RpmDatabasePath is null)
        {
            return runner.Run(command);
        }
        var home = TemporaryDirectories.Create();
        try
        {
            var macros = RpmDatabase.PrivateHomeMacros(plan.RpmDatabasePath);
            File.WriteAllText(Path.Combine(home.FullName, macros.FileName), macros.Text);
            var environment = new Dictionary<string, string>(command.Environment) { ["HOME"] = home.FullName };
            return runner.Run(command with { Environment = environment });
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
