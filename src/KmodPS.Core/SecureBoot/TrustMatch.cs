namespace KmodPS.Core.SecureBoot;

/// <summary>The anchor a module signature matched and how strong the match is (<see cref="TrustMatchKind"/>).</summary>
public sealed record TrustMatch(TrustAnchor Anchor, string MatchKind);
