/*
 * The signer protocol's decoder, both ways: what the signer reads from the
 * front end (requests) and what the front end reads from the signer
 * (replies).  The input is decoded as one frame, then cut into frames with
 * proto_frame_len as both readers cut their stream.  Whatever decodes must
 * encode back to the same bytes, and not fit in one byte less.
 */
#include "fuzz.h"
#include "proto.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_frame(const uint8_t *frame, size_t len, enum proto_dir dir)
{
	struct proto_msg	 m;
	const char		*why = NULL;
	uint8_t			*out;
	long			 n;

	if (proto_decode(frame, len, dir, &m, &why) == -1) {
		FUZZ_ASSERT(why != NULL);
		return;
	}
	FUZZ_ASSERT(len >= PROTO_HEADER_LEN && len <= PROTO_FRAME_MAX);
	FUZZ_ASSERT(proto_type_name(m.type) != NULL);
	FUZZ_ASSERT(proto_status_name(m.status) != NULL);
	if ((out = malloc(len)) == NULL)
		abort();
	n = proto_encode(&m, dir, out, len);
	FUZZ_ASSERT(n == (long)len && memcmp(out, frame, len) == 0);
	FUZZ_ASSERT(proto_encode(&m, dir, out, len - 1) == -1);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*frame;
	size_t	 off = 0;
	long	 n;

	check_frame(data, size, PROTO_REQUEST);
	check_frame(data, size, PROTO_REPLY);

	while (off < size) {
		n = proto_frame_len(data + off, size - off);
		if (n == 0) {
			FUZZ_ASSERT(size - off < 4);
			break;
		}
		if (n < 0 || (size_t)n > size - off)
			break;		/* a violation, or a frame not all here */
		FUZZ_ASSERT(n >= PROTO_HEADER_LEN && n <= PROTO_FRAME_MAX);
		/* Its own block, so that a read past the frame is seen. */
		frame = (uint8_t *)fuzz_copy(data + off, (size_t)n);
		check_frame(frame, (size_t)n, PROTO_REQUEST);
		check_frame(frame, (size_t)n, PROTO_REPLY);
		free(frame);
		off += (size_t)n;
	}
	return 0;
}
