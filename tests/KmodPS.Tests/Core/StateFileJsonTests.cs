using System.Text.Json.Nodes;
using KmodPS.Core.Diagnostics;
using KmodPS.Core.Guard;
using KmodPS.Core.Locks;
using KmodPS.Core.Models;
using KmodPS.Core.Packages;
using KmodPS.Core.Platform;
using KmodPS.Core.TestRoots;

namespace KmodPS.Tests.Core;

/// <summary>
/// The state files under /var/lib/kmodps (locks.json, guard.json, testroot.json) through Newtonsoft.Json: files the
/// System.Text.Json versions wrote still read, new files have the same names and shape (System.Text.Json is the
/// independent oracle here), and damaged files are the same typed failure as before.
/// </summary>
public sealed class StateFileJsonTests : IDisposable
{
    private const string Odd = "a\"b\\c<d>&e'f+g\u00e9\u4e2d\u0001\t\n/\u2028z";

    // As KmodPS wrote them with System.Text.Json, which escaped every non-ASCII and HTML-sensitive character.
    private const string LegacyLocks = """
        {
          "version": 1,
          "locks": [
            {
              "store": "DnfVersionlockList",
              "source": "/etc/dnf/plugins/versionlock.list",
              "key": "kernel-core-0:5.14.0-611.41.1.el9_7.*",
              "package": "kernel-core",
              "version": null,
              "kind": "Pin",
              "kernelVersion": "5.14.0-611.41.1.el9_7.x86_64",
              "added": "2026-01-02T03:04:05+00:00"
            },
            {
              "store": "AptPreferences",
              "source": "a\u0022b\\c\u003Cd\u003E\u0026e\u0027f\u002Bg\u00E9\u4E2D\u0001\t\n/\u2028z",
              "key": "k",
              "package": "p",
              "version": "1.2",
              "kind": "Hold",
              "kernelVersion": "6.1.0-56-amd64",
              "added": "2026-01-02T03:04:05.1234567+02:00"
            }
          ]
        }

        """;

    private const string LegacyOneAsciiLock = """
        {
          "version": 1,
          "locks": [
            {
              "store": "DnfVersionlockList",
              "source": "/etc/dnf/plugins/versionlock.list",
              "key": "kernel-core-0:5.14.0-611.41.1.el9_7.*",
              "package": "kernel-core",
              "version": null,
              "kind": "Pin",
              "kernelVersion": "5.14.0-611.41.1.el9_7.x86_64",
              "added": "2026-01-02T03:04:05+00:00"
            }
          ]
        }

        """;

    private const string LegacyGuard = """
        {
          "schema": 1,
          "installation": {
            "kmodpsVersion": "0.1.0",
            "installedAt": "2026-03-04T05:06:07Z",
            "runnerPath": "/usr/local/bin/kmodps",
            "repair": false,
            "promote": true,
            "files": [
              "/etc/kernel/install.d/99-kmodps.install",
              "a\u0022b\\c\u003Cd\u003E\u0026e\u0027f\u002Bg\u00E9\u4E2D\u0001\t\n/\u2028z"
            ],
            "createdDirectories": [],
            "createdStateFile": true
          },
          "lastHealthyKernel": "2026-01-01T00:00:00Z",
          "lastDecision": {
            "kernelVersion": "k2",
            "isHealthy": false,
            "missingModules": [
              "nvidia (Missing)"
            ],
            "action": "RolledBack",
            "defaultAfter": "k1",
            "lastHealthyKernel": "k1",
            "repair": "NotRequested",
            "applied": true,
            "summary": "a\u0022b\\c\u003Cd\u003E\u0026e\u0027f\u002Bg\u00E9\u4E2D\u0001\t\n/\u2028z",
            "time": "2026-03-04T05:06:07.8912345Z"
          }
        }

        """;

    private const string LegacyAnswers = """
        {
          "scenario": "AlmaNvidiaKmodMissing",
          "installed": [
            {
              "package": "kernel-core-5.14.0",
              "files": [
                "/boot/vmlinuz",
                "a\u0022b\\c\u003Cd\u003E\u0026e\u0027f\u002Bg\u00E9\u4E2D\u0001\t\n/\u2028z"
              ]
            }
          ],
          "available": [
            {
              "name": "kmod-nvidia-open",
              "version": "1",
              "release": "2",
              "arch": "x86_64",
              "repository": "testroot",
              "requires": [
                "kernel-uname-r = 5.14"
              ],
              "provides": []
            }
          ],
          "upgrade": [
            "kernel-5.14.0-611.49.1.el9_7.x86_64"
          ]
        }
        """;

    private static readonly LockRecord[] Records =
    {
        new(LockStore.DnfVersionlockList, "/etc/dnf/plugins/versionlock.list", "kernel-core-0:5.14.0-611.41.1.el9_7.*", "kernel-core", null, KernelLockKind.Pin, "5.14.0-611.41.1.el9_7.x86_64", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        new(LockStore.AptPreferences, Odd, "k", "p", "1.2", KernelLockKind.Hold, "6.1.0-56-amd64", new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.FromHours(2)).AddTicks(4567)),
    };

    private static readonly GuardState State = new()
    {
        Installation = new GuardInstallation("0.1.0", new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc), "/usr/local/bin/kmodps", false, true, new[] { "/etc/kernel/install.d/99-kmodps.install", Odd }, Array.Empty<string>(), true),
        LastHealthyKernel = "2026-01-01T00:00:00Z",
        LastDecision = new GuardDecisionRecord("k2", false, new[] { "nvidia (Missing)" }, GuardAction.RolledBack, null, "k1", "k1", "NotRequested", true, Odd, new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc).AddTicks(2345)),
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "kmodps-statejson-" + Guid.NewGuid().ToString("N"));

    public StateFileJsonTests() => Directory.CreateDirectory(Path.Combine(_root, "var/lib/kmodps"));

    private DirectorySystemRoot Root => new(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Text no JSON reader may take as a document, and text that is JSON but not of a state file's shape.</summary>
    public static TheoryData<string> NotADocument() => new()
    {
        string.Empty, "  \n", "{ not json", "{} x", "{}{}", "[]", "42", "\"text\"", "/* note */ {}", "{} // note", "{'version': 1}", "{version: 1}",
        "{\"x\": NaN}", "{\"x\": undefined}", "{\"x\": [1,,2]}", "{\"x\": new Date(1)}", string.Concat(Enumerable.Repeat("{\"x\":", 100)) + "1" + new string('}', 100),
    };

    public static TheoryData<string> DamagedLocks() => new()
    {
        "{\"version\": \"1\", \"locks\": []}",
        "{\"version\": 1.5, \"locks\": []}",
        "{\"version\": 99999999999, \"locks\": []}",
        "{\"version\": null, \"locks\": []}",
        "{\"locks\": {}}",
        Lock("\"store\": \"Bogus\""),
        Lock("\"store\": null"),
        Lock("\"store\": 99999999999"),
        Lock("\"kind\": 1.5"),
        Lock("\"key\": 5"),
        Lock("\"key\": true"),
        Lock("\"key\": {}"),
        Lock("\"version\": 1.5"),
        Lock("\"added\": \"not a date\""),
        Lock("\"added\": \"01/02/2026\""),
        Lock("\"added\": 0"),
        Lock("\"added\": null"),
    };

    public static TheoryData<string> DamagedGuards() => new()
    {
        "{\"schema\": \"1\"}",
        "{\"installation\": []}",
        "{\"installation\": {\"repair\": \"true\"}}",
        "{\"installation\": {\"repair\": 1}}",
        "{\"installation\": {\"installedAt\": \"03/04/2026\"}}",
        "{\"installation\": {\"files\": \"/etc\"}}",
        "{\"installation\": {\"files\": [1]}}",
        "{\"lastHealthyKernel\": 5}",
        "{\"lastDecision\": {\"action\": \"Bogus\"}}",
        "{\"lastDecision\": {\"action\": null}}",
        "{\"lastDecision\": {\"time\": \"bad\"}}",
    };

    [Fact]
    public void LocksWrittenBeforeNewtonsoftReadTheSame()
    {
        File.WriteAllText(LocksPath, LegacyLocks);
        var log = new DiagnosticLog();
        var read = new LockStateFile(Root).Read(log);
        Assert.Empty(log.Warnings);
        Assert.Equal(Records, read);
        Assert.Equal(Records.Select(r => r.Added.Offset), read.Select(r => r.Added.Offset));
    }

    [Fact]
    public void LocksRoundTripWithTheSameNamesAndShape()
    {
        new LockStateFile(Root).Write(Records);
        var written = File.ReadAllText(LocksPath);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(LegacyLocks), JsonNode.Parse(written)), written);
        Assert.EndsWith("}\n", written, StringComparison.Ordinal);
        var read = new LockStateFile(Root).Read(new DiagnosticLog());
        Assert.Equal(Records, read);
        Assert.Equal(Records.Select(r => r.Added.Offset), read.Select(r => r.Added.Offset));
    }

    [Fact]
    public void AsciiLocksAreWrittenByteForByteAsBefore()
    {
        new LockStateFile(Root).Write(Records.Take(1).ToList());
        Assert.Equal(LegacyOneAsciiLock, File.ReadAllText(LocksPath));
    }

    [Theory]
    [MemberData(nameof(NotADocument))]
    [MemberData(nameof(DamagedLocks))]
    public void DamagedLocksAreOneWarningAndNoRecords(string text)
    {
        File.WriteAllText(LocksPath, text);
        var log = new DiagnosticLog();
        Assert.Empty(new LockStateFile(Root).Read(log));
        Assert.StartsWith("Cannot read the KmodPS lock state " + LocksPath + ": ", Assert.Single(log.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void LockValuesAreTakenAsWritten()
    {
        var log = new DiagnosticLog();
        File.WriteAllText(LocksPath, "null");
        Assert.Empty(new LockStateFile(Root).Read(log));
        // A date-like string stays the string; $type is an ignored property, not an instruction; a repeated property replaces.
        File.WriteAllText(LocksPath, "{\"$type\": \"System.IO.FileInfo, System.IO.FileSystem\", \"locks\": [" + LockEntry("\"key\": \"2026-01-02T03:04:05Z\"") + "]}");
        Assert.Equal("2026-01-02T03:04:05Z", Assert.Single(new LockStateFile(Root).Read(log)).Key);
        File.WriteAllText(LocksPath, "{\"locks\": [" + LockEntry("\"key\": \"k\"") + "], \"locks\": []}");
        Assert.Empty(new LockStateFile(Root).Read(log));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void GuardStateWrittenBeforeNewtonsoftReadsTheSame()
    {
        File.WriteAllText(GuardPath, LegacyGuard);
        var state = GuardStateFile.Read(Root, out var error);
        Assert.Null(error);
        AssertSameState(State, state!);
        Assert.Equal(DateTimeKind.Utc, state!.LastDecision!.Time.Kind);
    }

    [Fact]
    public void GuardStateRoundTripsWithTheSameNamesAndShape()
    {
        GuardStateFile.Write(Root, State);
        var written = File.ReadAllText(GuardPath);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(LegacyGuard), JsonNode.Parse(written)), written);
        Assert.DoesNotContain("defaultBefore", written, StringComparison.Ordinal);
        AssertSameState(State, GuardStateFile.Read(Root, out var error)!);
        Assert.Null(error);
        Assert.Equal("{\n  \"schema\": 1\n}\n", GuardStateFile.Serialize(new GuardState()));
    }

    [Theory]
    [MemberData(nameof(NotADocument))]
    [MemberData(nameof(DamagedGuards))]
    public void DamagedGuardStateIsAnErrorAndNoState(string text)
    {
        File.WriteAllText(GuardPath, text);
        Assert.Null(GuardStateFile.Read(Root, out var error));
        Assert.StartsWith(GuardPath + " cannot be read: ", error, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => GuardStateFile.Parse(text));
    }

    [Fact]
    public void AnErrorNeverCarriesControlCharactersFromTheFile()
    {
        File.WriteAllText(GuardPath, "{\"lastDecision\": {\"action\": \"\\u001b]0;owned\\u0007\"}}");
        Assert.Null(GuardStateFile.Read(Root, out var error));
        Assert.DoesNotContain(error!, char.IsControl);
    }

    [Fact]
    public void AnswersRoundTripWithTheSameNamesAndShape()
    {
        var answers = new TestRootAnswers
        {
            Scenario = "AlmaNvidiaKmodMissing",
            Installed = { new InstalledPackageAnswer { Package = "kernel-core-5.14.0", Files = { "/boot/vmlinuz", Odd } } },
            Available = { new AvailablePackageAnswer { Name = "kmod-nvidia-open", Version = "1", Release = "2", Requires = { "kernel-uname-r = 5.14" } } },
            Upgrade = { "kernel-5.14.0-611.49.1.el9_7.x86_64" },
        };
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(LegacyAnswers), JsonNode.Parse(answers.ToJson())), answers.ToJson());
        File.WriteAllText(AnswersPath, LegacyAnswers);
        var read = TestRootAnswers.Read(Root)!;
        Assert.Equal(answers.ToJson(), read.ToJson());
        Assert.Equal(Odd, read.Installed[0].Files[1]);
        Assert.Equal("x86_64", read.AvailablePackages().Single().Arch);
    }

    [Theory]
    [MemberData(nameof(NotADocument))]
    [InlineData("{\"upgrade\": [1]}")]
    [InlineData("{\"scenario\": 5}")]
    [InlineData("{\"installed\": [{\"files\": \"/boot\"}]}")]
    public void ADamagedAnswerFileIsInvalidDataNamingTheFile(string text)
    {
        File.WriteAllText(AnswersPath, text);
        var e = Assert.Throws<InvalidDataException>(() => TestRootAnswers.Read(Root));
        Assert.StartsWith(AnswersPath + " is not a test-root answer file: ", e.Message, StringComparison.Ordinal);
    }

    private string LocksPath => Path.Combine(_root, LockStateFile.Path.TrimStart('/'));

    private string GuardPath => Path.Combine(_root, GuardLayout.StatePath.TrimStart('/'));

    private string AnswersPath => Path.Combine(_root, TestRootAnswers.FilePath.TrimStart('/'));

    /// <summary>A locks.json with one record, one of its properties replaced.</summary>
    private static string Lock(string property) => "{\"locks\": [" + LockEntry(property) + "]}";

    private static string LockEntry(string property)
    {
        var fields = new Dictionary<string, string>
        {
            ["store"] = "\"DnfVersionlockList\"", ["source"] = "\"/s\"", ["key"] = "\"k\"", ["package"] = "\"p\"", ["version"] = "null",
            ["kind"] = "\"Pin\"", ["kernelVersion"] = "\"5.14\"", ["added"] = "\"2026-01-02T03:04:05+00:00\"",
        };
        var name = property[1..property.IndexOf('"', 1)];
        fields[name] = property[(property.IndexOf(':') + 1)..].Trim();
        return "{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": {f.Value}")) + "}";
    }

    private static void AssertSameState(GuardState expected, GuardState actual)
    {
        Assert.Equal(expected with { Installation = null, LastDecision = null }, actual with { Installation = null, LastDecision = null });
        Assert.Equal(expected.Installation! with { Files = null!, CreatedDirectories = null! }, actual.Installation! with { Files = null!, CreatedDirectories = null! });
        Assert.Equal(expected.Installation!.Files, actual.Installation!.Files);
        Assert.Equal(expected.Installation.CreatedDirectories, actual.Installation.CreatedDirectories);
        Assert.Equal(expected.LastDecision! with { MissingModules = null! }, actual.LastDecision! with { MissingModules = null! });
        Assert.Equal(expected.LastDecision!.MissingModules, actual.LastDecision!.MissingModules);
    }
}
