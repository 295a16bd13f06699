using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KmodPS.Core.SecureBoot;

/// <summary>
/// Finds the kernel's <c>system_certificate_list</c> in a vmlinux handed over a buffer at a time, holding a bounded
/// window only. certs/system_certificates.S lays it out as DER certificates back to back (the build's signing key,
/// then CONFIG_SYSTEM_TRUSTED_KEYS), 8-aligned, optionally followed by the zero-filled CONFIG_SYSTEM_EXTRA_CERTIFICATE
/// area and its <c>system_extra_cert_used</c> int, then at the next 8-aligned offset <c>system_certificate_list_size</c>:
/// the byte length of the list. The kernel's <c>x509_load_certificate_list</c> takes each entry as
/// <c>30 82 LL LL</c> (a SEQUENCE with a two-byte length). The vmlinux in a kernel image is stripped, so the list is
/// found by that shape: a run of well-formed certificates whose length the size field right after it repeats.
/// The first such run is the list (the linker puts system_certificates.o before revocation_certificates.o).
/// </summary>
internal sealed class BuiltinCertificateList
{
    /// <summary>The longest list looked for: many times a distribution's (one to a few certificates of 1-2 KiB).</summary>
    public const int MaxListSize = 1 << 20;

    // CONFIG_SYSTEM_EXTRA_CERTIFICATE_SIZE defaults to 4096; the gap allows for far more.
    private const int MaxGap = 64 << 10;
    private const int Window = MaxListSize + MaxGap + 16;

    private static ReadOnlySpan<byte> SequenceTag => new byte[] { 0x30, 0x82 };

    // Allocated by the first bytes: 2 MiB per image, and a root's unreadable images (a scan may meet 500) never need it.
    private byte[]? _buffer;
    private int _length;
    private long _bufferStart;

    /// <summary>The certificates (DER) once the list was found; null until then.</summary>
    public IReadOnlyList<byte[]>? Certificates { get; private set; }

    /// <summary>Takes the next decompressed bytes; returns true once the list is found (no more input is needed).</summary>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        _buffer ??= new byte[2 * Window];
        while (chunk.Length > 0 && Certificates is null)
        {
            if (_length == _buffer.Length)
            {
                // Every list starting before the last window is whole in the buffer: look there, then keep the window.
                Scan(0, _length - Window);
                if (Certificates is not null)
                {
                    break;
                }
                Array.Copy(_buffer, _length - Window, _buffer, 0, Window);
                _bufferStart += _length - Window;
                _length = Window;
            }
            var take = Math.Min(chunk.Length, _buffer.Length - _length);
            chunk[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            chunk = chunk[take..];
        }
        return Certificates is not null;
    }

    /// <summary>Looks through what is left once the input ended; returns true when the list was found.</summary>
    public bool Finish()
    {
        if (Certificates is null)
        {
            Scan(0, _length);
        }
        _buffer = Array.Empty<byte>();
        return Certificates is not null;
    }

    private void Scan(int from, int to)
    {
        var data = (_buffer ?? Array.Empty<byte>()).AsSpan(0, _length);
        var position = from;
        while (position < to)
        {
            var hit = data[position..to].IndexOf(SequenceTag);
            if (hit < 0)
            {
                return;
            }
            position += hit;
            if (TryList(data, position) is { } certificates)
            {
                Certificates = certificates;
                return;
            }
            position++;
        }
    }

    private List<byte[]>? TryList(ReadOnlySpan<byte> data, int start)
    {
        var end = start;
        var entries = new List<(int Offset, int Length)>();
        while (end + 4 <= data.Length && data[end] == 0x30 && data[end + 1] == 0x82 && IsCertificateShape(data[end..]) is { } length)
        {
            entries.Add((end, length));
            end += length;
            if (end - start > MaxListSize)
            {
                return null;
            }
        }
        if (entries.Count == 0 || !SizeFollows(data, end, end - start))
        {
            return null;
        }
        var certificates = new List<byte[]>();
        foreach (var (offset, length) in entries)
        {
            var der = data.Slice(offset, length).ToArray();
            try
            {
                using var certificate = new X509Certificate2(der);
            }
            catch (CryptographicException)
            {
                return null;
            }
            certificates.Add(der);
        }
        return certificates;
    }

    // A Certificate is SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signatureValue BIT STRING }:
    // the three lengths must add up to the outer one. Returns the whole length, or null.
    private static int? IsCertificateShape(ReadOnlySpan<byte> data)
    {
        var total = 4 + BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (total > data.Length)
        {
            return null;
        }
        var inner = data[4..total];
        foreach (var tag in new byte[] { 0x30, 0x30, 0x03 })
        {
            if (inner.Length < 2 || inner[0] != tag || ElementLength(inner) is not { } length || length > inner.Length)
            {
                return null;
            }
            inner = inner[length..];
        }
        return inner.IsEmpty ? total : null;
    }

    // The length of a DER element with its tag and length bytes (definite lengths of up to four bytes).
    private static int? ElementLength(ReadOnlySpan<byte> element)
    {
        var first = element[1];
        if (first < 0x80)
        {
            return 2 + first;
        }
        var count = first & 0x7f;
        if (count is 0 or > 3 || element.Length < 2 + count)
        {
            return null;
        }
        var length = 0;
        for (var i = 0; i < count; i++)
        {
            length = (length << 8) | element[2 + i];
        }
        return 2 + count + length;
    }

    // After the list: zero padding (the extra-certificate area among it, with at most one byte 1 for
    // system_extra_cert_used), then at an 8-aligned offset of the vmlinux the list's size (.quad, or .long on 32-bit).
    private bool SizeFollows(ReadOnlySpan<byte> data, int end, int size)
    {
        var nonZero = 0;
        for (var position = end; position + 4 <= data.Length && position - end <= MaxGap; position++)
        {
            if ((_bufferStart + position) % 8 == 0 && BinaryPrimitives.ReadUInt32LittleEndian(data[position..]) == (uint)size)
            {
                return true;
            }
            if (data[position] != 0 && (data[position] != 1 || ++nonZero > 1))
            {
                return false;
            }
        }
        return false;
    }
}
