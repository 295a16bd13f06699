using System.Security.Cryptography;
using KmodPS.Core.Models;
using KmodPS.Tests.Engine;

namespace KmodPS.Tests.Lab;

[Collection(LabCollection.Name)]
public sealed class SetDefaultKernelLabTests : IDisposable
{
    private const string Good = "5.14.0-611.41.1.el9_7";
    private readonly LabWorlds _lab;
    private readonly PowerShellSession _ps = new();
    private readonly List<string> _copies = new();

    public SetDefaultKernelLabTests(LabWorlds lab)
    {
        _lab = lab;
    }

    public void Dispose()
    {
        _ps.Dispose();
        _copies.ForEach(c => Shell.Run("rm", TimeSpan.FromMinutes(1), "-rf", c));
    }

    [LabFact]
    public void MovesSavedEntryToTheGoodKernelOnAlmaAfter()
    {
        var root = Copy("alma-nvidia-after");
        var result = Run(root, $"Set-DefaultKernel {Good} -Confirm:$false -PassThru");
        Assert.Empty(result.Errors);
        Assert.True(((InstalledKernel)Assert.Single(result.Output).BaseObject).IsDefault);
        var env = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub2/grubenv"), "list");
        Assert.Contains($"saved_entry={MachineId(root)}-{Good}.x86_64", env);
        Assert.Equal($"{Good}.x86_64", Default(root));
    }

    [LabFact]
    public void OnceSetsNextEntryAndLeavesSavedEntry()
    {
        var root = Copy("alma-nvidia-after");
        var before = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub2/grubenv"), "list");
        Assert.Empty(Run(root, $"Set-DefaultKernel {Good} -Once -Confirm:$false").Errors);
        var after = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub2/grubenv"), "list");
        Assert.Contains($"next_entry={MachineId(root)}-{Good}.x86_64", after);
        Assert.Contains(before.Split('\n').First(l => l.StartsWith("saved_entry=", StringComparison.Ordinal)), after);
        Assert.Equal($"{Good}.x86_64", Default(root));
    }

    [LabFact]
    public void WhatIfChangesNothing()
    {
        var root = Copy("alma-nvidia-after");
        var before = TreeHash(root);
        var result = Run(root, $"Set-DefaultKernel {Good} -WhatIf");
        Assert.Empty(result.Errors);
        Assert.Equal(before, TreeHash(root));
        var grub = Copy("debian-grub");
        var grubBefore = TreeHash(grub);
        Assert.Empty(Run(grub, $"Set-DefaultKernel {LabEnvironment.DebianKernel} -WhatIf").Errors);
        Assert.Equal(grubBefore, TreeHash(grub));
    }

    [LabFact]
    public void RefusesUnhealthyMissingAndMalformedKernelsWithoutChangingAnything()
    {
        var root = Copy("alma-nvidia-after");
        var before = TreeHash(root);
        Assert.Contains(Run(root, "Set-DefaultKernel 5.14.0-611.45.1.el9_7 -Confirm:$false").ErrorIds, id => id.StartsWith("KernelNotHealthy,", StringComparison.Ordinal));
        Assert.Contains(Run(root, "Set-DefaultKernel 5.14.0-999.1.1.el9_7 -Confirm:$false").ErrorIds, id => id.StartsWith("KernelNotFound,", StringComparison.Ordinal));
        foreach (var bad in new[] { "'5.14.0; reboot'", "'$(reboot)'", "\"5.14.0`nx\"", "'a b'" })
        {
            Assert.Contains(Run(root, $"Set-DefaultKernel {bad} -Confirm:$false").ErrorIds, id => id.StartsWith("InvalidKernelVersion,", StringComparison.Ordinal));
        }
        Assert.Equal(before, TreeHash(root));
    }

    [LabFact]
    public void DebianGrubDefaultMovesWithGrubEditenvAsTheOracle()
    {
        var root = Copy("debian-grub");
        var entries = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub/grubenv"), "list");
        var target = entries.Contains($"{LabEnvironment.DebianOldKernel}", StringComparison.Ordinal) ? $"{LabEnvironment.DebianKernel}" : $"{LabEnvironment.DebianOldKernel}";
        Assert.Empty(Run(root, $"Set-DefaultKernel {target} -Confirm:$false").Errors);
        var saved = Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub/grubenv"), "list").Split('\n').Single(l => l.StartsWith("saved_entry=", StringComparison.Ordinal));
        Assert.Matches($"^saved_entry=gnulinux-advanced-[0-9a-f-]+>gnulinux-{target}-advanced-[0-9a-f-]+$", saved);
        Assert.Equal(target, Default(root));
        Assert.Empty(Run(root, $"Set-DefaultKernel {LabEnvironment.DebianOldKernel} -Once -Confirm:$false").Errors);
        Assert.Contains("next_entry=gnulinux-advanced-", Shell.Stdout("grub-editenv", Path.Combine(root, "boot/grub/grubenv"), "list"));
    }

    private string Copy(string world)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"kmodps-{world}-{Guid.NewGuid():N}");
        Shell.Stdout("cp", "-a", _lab.Dir(world), copy);
        _copies.Add(copy);
        return copy;
    }

    private PowerShellSession.Result Run(string root, string command) =>
        _ps.Run($"{command} -Root $root", new Dictionary<string, object?> { ["root"] = root });

    private string? Default(string root) =>
        _ps.Run("Get-InstalledKernel -Root $root -WarningAction SilentlyContinue | Where-Object IsDefault | ForEach-Object KernelVersion", new Dictionary<string, object?> { ["root"] = root })
            .Output.SingleOrDefault()?.ToString();

    private static string MachineId(string root) => File.ReadAllText(Path.Combine(root, "etc/machine-id")).Trim();

    private static string TreeHash(string root)
    {
        using var sha = SHA256.Create();
        foreach (var file in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            var name = System.Text.Encoding.UTF8.GetBytes(file[root.Length..]);
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var info = new FileInfo(file);
            var content = info.LinkTarget is { } link ? System.Text.Encoding.UTF8.GetBytes("->" + link)
                : File.Exists(file) ? File.ReadAllBytes(file) : Array.Empty<byte>();
            sha.TransformBlock(content, 0, content.Length, null, 0);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexString(sha.Hash!);
    }
}
