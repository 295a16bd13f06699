namespace KmodPS.Tests.Engine;

/// <summary>Engine-hosted tests share one imported runspace (import is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<SharedSession>
{
    public const string Name = "Engine";
}

public sealed class SharedSession : IDisposable
{
    public PowerShellSession Session { get; } = new();

    public void Dispose() => Session.Dispose();
}
