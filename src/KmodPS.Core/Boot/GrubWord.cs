namespace KmodPS.Core.Boot;

/// <summary>One word of a GRUB script line; <paramref name="Quoted"/> when any part of it was quoted or escaped.</summary>
internal sealed record GrubWord(string Text, bool Quoted)
{
    /// <summary>True for an unquoted word with the given text (a keyword or the <c>{</c> that opens a block).</summary>
    public bool Is(string text) => !Quoted && Text == text;
}
