namespace KmodPS.Core.Modules;

/// <summary>Random-access bytes of a module: a file on disk, or a decompressed image in memory.</summary>
internal interface IByteSource
{
    long Length { get; }

    /// <exception cref="InvalidDataException">The range lies outside the data (a truncated file).</exception>
    void ReadExactly(long offset, Span<byte> buffer);
}
