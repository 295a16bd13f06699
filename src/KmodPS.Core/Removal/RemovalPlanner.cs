using KmodPS.Core.Changes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Kernels;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;

namespace KmodPS.Core.Removal;

/// <summary>
/// Pure: decides whether a kernel may be removed and with which command. Refusals that <c>-Force</c> never overrides
/// come first (running kernel, next-boot kernel or an unknown next boot, locked kernel, last healthy kernel); the
/// only thing <c>-Force</c> allows is also removing the packages that depend on the kernel's packages (kmods built
/// for it, Debian metapackages), which otherwise refuses with <c>RemoveDependentPackages</c>. The plan is one
/// package-manager command, not reversible: what the package manager removed stays removed.
/// </summary>
internal static class RemovalPlanner
{
    private static readonly string[] RpmTools = { "dnf", "dnf5", "yum" };

    /// <param name="output">Receives the package manager's output once it ran (-Verbose).</param>
    public static ChangePlan Plan(RemovalRequest request, Action<string>? output = null)
    {
        var k = request.KernelVersion;
        if (request.RunningKernel == k)
        {
            return Refuse(ErrorIds.RemoveRunningKernel, FailureCategory.InvalidOperation, $"Kernel {k} is running: it cannot be removed (boot another kernel first).", k);
        }
        if (request.NextBoot.KernelVersion is null)
        {
            return Refuse(ErrorIds.NextBootUnknown, FailureCategory.InvalidOperation,
                $"The kernel that boots next under {request.RootPath} cannot be determined ({request.NextBoot.Explanation}): no kernel is removed while it is unknown.", k,
                "Make the boot default explicit first (Set-DefaultKernel), then retry.");
        }
        if (request.NextBoot.KernelVersion == k)
        {
            return Refuse(ErrorIds.RemoveNextBootKernel, FailureCategory.InvalidOperation,
                $"Kernel {k} boots next ({request.NextBoot.Explanation}): removing it would leave the boot loader pointing at a missing kernel.", k,
                "Make another healthy kernel the default first (Set-DefaultKernel), then retry.");
        }
        if (request.Packages.Count == 0)
        {
            return Refuse(ErrorIds.KernelNotPackaged, FailureCategory.ObjectNotFound,
                $"No installed package of kernel {k} was found in the package database under {request.RootPath}: it was not installed by the package manager and is not removed by KmodPS.", k);
        }
        if (request.Locks.Count > 0)
        {
            return Refuse(ErrorIds.RemoveLockedKernel, FailureCategory.InvalidOperation, $"Kernel {k} is locked: {string.Join("; ", request.Locks)}.", k,
                "Release the lock first (Unlock-Kernel, dnf versionlock delete, apt-mark unhold) if the kernel should go.");
        }
        var healthyOthers = request.Kernels
            .Where(x => x.KernelVersion != k && x.ImagePath is not null && request.Health.TryGetValue(x.KernelVersion, out var h) && h.IsHealthy)
            .Select(x => x.KernelVersion).OrderBy(v => v, KernelVersionComparer.Instance).ToList();
        // Only a kernel that may be healthy can be the last healthy one: an unhealthy kernel, or one whose image is gone
        // (an interrupted removal), may go even when no other kernel is healthy.
        var targetBootable = request.Kernels.Any(x => x.KernelVersion == k && x.ImagePath is not null);
        var targetUnhealthy = request.Health.TryGetValue(k, out var own) && !own.IsHealthy;
        if (healthyOthers.Count == 0 && targetBootable && !targetUnhealthy)
        {
            var others = request.Kernels.Where(x => x.KernelVersion != k).Select(x => Describe(request, x.KernelVersion)).ToList();
            return Refuse(ErrorIds.RemoveLastHealthyKernel, FailureCategory.InvalidOperation,
                $"Removing kernel {k} would leave no other healthy kernel installed ({(others.Count == 0 ? "it is the only kernel" : "others: " + string.Join("; ", others))}).", k,
                "Repair the other kernels' modules first (Get-KernelModuleStatus -Problem).");
        }
        var names = request.Packages.Select(p => p.Spec).ToList();
        var warnings = new List<string>();
        if (request.Dependents.Count > 0)
        {
            var dependents = string.Join(", ", request.Dependents.Select(p => p.Spec));
            if (!request.Force)
            {
                return Refuse(ErrorIds.RemoveDependentPackages, FailureCategory.InvalidOperation,
                    $"Removing kernel {k} would also remove packages that depend on it: {dependents}. Nothing was changed; use -Force to remove them too.", k);
            }
            names.AddRange(request.Dependents.Select(p => p.Spec));
            warnings.Add($"-Force: also removing the packages that depend on kernel {k}: {dependents}.");
        }
        return request.Packages[0].IsRpm ? PlanDnf(request, names, warnings, output) : PlanApt(request, names, warnings, output);
    }

    private static ChangePlan PlanDnf(RemovalRequest request, List<string> names, List<string> warnings, Action<string>? output)
    {
        var tool = RpmTools.FirstOrDefault(request.Programs.ContainsKey);
        if (tool is null)
        {
            return Refuse(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, "Neither dnf, dnf5 nor yum is installed: the kernel's packages cannot be removed.", request.KernelVersion);
        }
        var arguments = new List<string>();
        if (!request.IsHostRoot)
        {
            // As tests/lab/lib/dnf-world.sh found: dnf prefixes cachedir/logdir with the installroot itself (setting them doubles
            // the prefix), and plugins (versionlock, local, post-transaction-actions) act on host paths, so they stay off.
            arguments.AddRange(new[] { "--installroot", request.RootPath, "--setopt=reposdir=" + TreePath.Combine(request.RootPath, "/etc/yum.repos.d"), "--noplugins" });
        }
        // Removing needs no repository: no metadata download, no failure from an unreachable mirror.
        arguments.AddRange(new[] { "--disablerepo=*", "-y", "remove" });
        arguments.AddRange(names);
        var command = new CommandRequest(request.Programs[tool], arguments) { Timeout = TimeSpan.FromMinutes(30) };
        if (request.IsHostRoot)
        {
            return Remove(request, command, names, warnings, Array.Empty<TemporaryFile>(), output);
        }
        // rpm built for other distributions (Debian's) keeps its database in ~/.rpmdb: a private HOME names the root's.
        var macros = RpmDatabase.PrivateHomeMacros(request.RpmDatabasePath);
        var home = new TemporaryFile(Path.Combine(request.PrivateHome, macros.FileName), macros.Text);
        command = command with { Environment = new Dictionary<string, string>(command.Environment) { ["HOME"] = request.PrivateHome } };
        return Remove(request, command, names, warnings, new[] { home }, output);
    }

    private static ChangePlan PlanApt(RemovalRequest request, List<string> names, List<string> warnings, Action<string>? output)
    {
        if (!request.IsHostRoot)
        {
            // apt-get -o Dir=<root> reads the root's apt.conf.d, whose DPkg::Pre/Post-Invoke hooks would run on this host,
            // and dpkg --root runs the kernel's maintainer scripts chrooted into a tree that may not be a runnable system.
            return Refuse(ErrorIds.AptRootNotSupported, FailureCategory.NotImplemented,
                $"apt cannot remove packages from an alternate root safely (the root's apt hooks would run on this host, dpkg would run maintainer scripts in {request.RootPath}). "
                + $"Run it inside the root instead: chroot {request.RootPath} apt-get purge {string.Join(' ', names)}", request.KernelVersion);
        }
        if (!request.Programs.TryGetValue("apt-get", out var aptGet))
        {
            return Refuse(ErrorIds.PackageManagerNotFound, FailureCategory.NotInstalled, "apt-get is not installed: the kernel's packages cannot be removed.", request.KernelVersion);
        }
        var command = new CommandRequest(aptGet, new[] { "-y", "purge" }.Concat(names))
        {
            Timeout = TimeSpan.FromMinutes(30),
            Environment = new Dictionary<string, string> { ["LC_ALL"] = "C", ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        return Remove(request, command, names, warnings, Array.Empty<TemporaryFile>(), output);
    }

    private static ChangePlan Remove(RemovalRequest request, CommandRequest command, List<string> names, List<string> warnings, IReadOnlyList<TemporaryFile> files, Action<string>? output)
    {
        var kernel = request.KernelVersion;
        var step = new CommandChange(command,
            result =>
            {
                output?.Invoke(result.StandardOutput.Trim());
                return result.Succeeded ? null : new Failure(ErrorIds.KernelNotRemoved, FailureCategory.InvalidResult,
                $"Kernel {kernel} was not removed: {command.DisplayText} failed (exit {result.ExitCode}): {result.StandardError.Trim()}", kernel);
            },
            files,
            // dnf follows links under the root as host paths: a directory it writes must be the same for it as for the jail.
            context =>
            {
                context.Jail.RequireSameForPrefixTools(PrefixToolDirectories.Dnf);
                return null;
            });
        return new ChangePlan("Remove kernel packages " + string.Join(", ", names), kernel, ErrorIds.KernelNotRemoved)
        {
            Steps = new[] { step },
            Warnings = warnings,
            Reversible = false,
        };
    }

    private static string Describe(RemovalRequest request, string kernel) =>
        !request.Health.TryGetValue(kernel, out var health) ? $"{kernel} (unknown)"
        : request.Kernels.First(x => x.KernelVersion == kernel).ImagePath is null ? $"{kernel} (no kernel image)"
        : health.IsHealthy ? $"{kernel} (healthy)"
        : $"{kernel} (unhealthy: {health.Summary})";

    private static ChangePlan Refuse(string id, FailureCategory category, string message, string kernel, string? action = null) =>
        ChangePlan.Refuse("Remove kernel packages", kernel, ErrorIds.KernelNotRemoved, new Failure(id, category, message, kernel, action));
}
