// ResponseTracker: tables of packet sequences -> event sequences. (Long because it holds the
// recorded replies byte for byte.)
//
// The recorded tables come from MariaDB 10.11.19 (Debian 12), started for the purpose:
//   mariadb-install-db --no-defaults --datadir=D --auth-root-authentication-method=normal
//   mariadbd --no-defaults --datadir=D --port=P --socket=D/s --user=root
// with this schema (database t):
//   CREATE TABLE types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, i INT, bi BIGINT,
//     f FLOAT, d DOUBLE, dec1 DECIMAL(10,2), dt DATE, tm TIME(3), dtm DATETIME(6),
//     ts TIMESTAMP NULL, vc VARCHAR(20), bl BLOB, yr YEAR);   -- two rows, see rows_test.cpp
//   CREATE TABLE j (id INT, doc JSON, addr INET6);  INSERT INTO j VALUES (1, '{"a":1}', '::1');
//   CREATE TABLE r (v INT);  INSERT INTO r VALUES (1),(2),(2);
//   CREATE TABLE li (a INT, b VARCHAR(10));
//   CREATE PROCEDURE p() BEGIN SELECT 1 AS one; SELECT 'a' AS x, NULL AS y; END
// A small Python client logged in as root (CLIENT_PROTOCOL_41, MULTI_STATEMENTS, MULTI_RESULTS,
// PS_MULTI_RESULTS, LOCAL_FILES, TRANSACTIONS; once without and once with CLIENT_DEPRECATE_EOF;
// then with MariaDB's EXTENDED_TYPE_INFO and CACHE_METADATA), sent each command below and
// recorded every frame of the reply (header included) as hex.
#include "weir/protocol/resultset.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "handshake_test_util.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/handshake.hpp"
#include "weir/protocol/rows.hpp"

namespace weir::protocol {
namespace {

using testing_hex::unhex;

using Frames = std::vector<std::string_view>;
// Marks where the client's LOCAL INFILE data and final empty packet went to the server.
constexpr std::string_view kClientInfileDone = "client sent the file";

constexpr CapabilityFlags kEofCaps = cap::kProtocol41 | cap::kTransactions | cap::kSecureConnection |
                                     cap::kMultiStatements | cap::kMultiResults | cap::kPsMultiResults |
                                     cap::kPluginAuth | cap::kLocalFiles | cap::kConnectWithDb;
constexpr CapabilityFlags kDepCaps = kEofCaps | cap::kDeprecateEof;
constexpr CapabilityFlags kExtCaps = kDepCaps | cap::kMariadbExtendedTypeInfo | cap::kMariadbCacheMetadata;

// ---------------------------------------------------------------------------------------------
// Recorded replies (frames as sent, header included)

// SELECT with NULLs
const Frames kEofSelectWithNulls = {
    "0100000103",
    "17000002036465660000000161000c3f0002000000038100000000",
    "17000003036465660000000162000c2d0008000000fd0000270000",
    "17000004036465660000000163000c2d0004000000fd0000270000",
    "05000005fe00000200",
    "050000060131fb0178",
    "06000007013202797afb",
    "05000008fe00000200",
};
// CALL p() (two result sets + OK)
const Frames kEofCallPTwoResultSetsOk = {
    "0100000101",
    "1900000203646566000000036f6e65000c3f0001000000038100000000",
    "05000003fe00000a00",
    "020000040131",
    "05000005fe00000a00",
    "0100000602",
    "17000007036465660000000178000c2d0004000000fd0100270000",
    "17000008036465660000000179000c3f0000000000068000000000",
    "05000009fe00000a00",
    "0300000a0161fb",
    "0500000bfe00000a00",
    "0700000c00000002000000",
};
// multi-statement SELECT 1; DO 1
const Frames kEofMultiStatementSelect1Do1 = {
    "0100000101",         "17000002036465660000000131000c3f0001000000038100000000",
    "05000003fe00000a00", "020000040131",
    "05000005fe00000a00", "0700000600000002000000",
};
// error in the middle of rows
const Frames kEofErrorInTheMiddleOfRows = {
    "0100000102",
    "1b00000203646566017401720172017601760c3f000b000000030000000000",
    "17000003036465660000000173000c3f000b000000038000000000",
    "05000004fe00002200",
    "0400000501310131",
    "29000006ffda0423323130303053756271756572792072657475726e73206d6f7265207468616e203120726f77",
};
// BEGIN
const Frames kEofBegin = {
    "0700000100000003000000",
};
// COMMIT
const Frames kEofCommit = {
    "0700000100000002000000",
};
// COM_PING
const Frames kEofComPing = {
    "0700000100000002000000",
};
// COM_STATISTICS
const Frames kEofComStatistics = {
    "71000001557074696d653a2039362020546872656164733a203120205175657374696f6e733a2034312020536c6f7720717565726965733a20"
    "3020204f70656e733a20323520204f70656e207461626c65733a20313820205175657269657320706572207365636f6e64206176673a20302e"
    "343237",
};
// COM_FIELD_LIST r
const Frames kEofComFieldListR = {
    "1c00000103646566017401720172017601760c3f000b000000030000000000fb",
    "05000002fe00000200",
};
// COM_STMT_PREPARE types
const Frames kEofComStmtPrepareTypes = {
    "0c00000100020000000f000100000000",
    "1700000203646566000000013f000c3f0000000000068000000000",
    "05000003fe00000200",
    "250000040364656601740574797065730574797065730269640269640c3f000b000000030350000000",
    "250000050364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000060364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000007036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000080364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000009036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "2300000a036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "2900000b036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000c0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000d03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000e0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000f0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "250000100364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500001103646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000120364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
    "05000013fe00000200",
};
// COM_STMT_EXECUTE types (no cursor)
const Frames kEofComStmtExecuteTypesNoCursor = {
    "010000010f",
    "250000020364656601740574797065730574797065730269640269640c3f000b000000030350000000",
    "250000030364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000040364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000005036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000060364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000007036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "23000008036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "29000009036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000a0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000b03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000c0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000d0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "2500000e0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500000f03646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000100364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
    "05000011fe00000200",
    // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one packet, two lines
    "5b0000120000000001000000fbe8fdc01dfeff001a7118020000000000c03f00000000000002c0063132332e343504e807021d0c0101000000"
    "011e0f48e801000be8070102030405f55b0a0007e40705060708090568656c6c6f0200ffe807",
    "1000001300f8a30102000000000004e807010200",
    "05000014fe00000200",
};
// COM_STMT_EXECUTE types (cursor)
const Frames kEofComStmtExecuteTypesCursor = {
    "010000010f",
    "250000020364656601740574797065730574797065730269640269640c3f000b000000030110000000",
    "250000030364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000040364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000005036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000060364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000007036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "23000008036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "29000009036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000a0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000b03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000c0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000d0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "2500000e0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500000f03646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000100364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
    "05000011fe00004200",
};
// COM_STMT_FETCH 1 row
const Frames kEofComStmtFetch1Row = {
    "5b0000010000000001000000fbe8fdc01dfeff001a7118020000000000c03f00000000000002c0063132332e343504e807021d0c0101000000"
    "011e0f48e801000be8070102030405f55b0a0007e40705060708090568656c6c6f0200ffe807",
    "05000002fe00004200",
};
// COM_STMT_FETCH 10 rows
const Frames kEofComStmtFetch10Rows = {
    "1000000100f8a30102000000000004e807010200",
    "05000002fe00008200",
};
// COM_STMT_PREPARE CALL p()
const Frames kEofComStmtPrepareCallP = {
    "0c000001000300000000000000000000",
};
// COM_STMT_EXECUTE CALL p()
const Frames kEofComStmtExecuteCallP = {
    "0100000101",
    "1900000203646566000000036f6e65000c3f0001000000038100000000",
    "05000003fe00000a00",
    "06000004000001000000",
    "05000005fe00000a00",
    "0100000602",
    "17000007036465660000000178000c2d0004000000fd0100270000",
    "17000008036465660000000179000c3f0000000000068000000000",
    "05000009fe00000a00",
    "0400000a00080161",
    "0500000bfe00000a00",
    "0700000c00000002000000",
};
// LOAD DATA LOCAL INFILE (request) / client sends "1,a\n2,b\n" and an empty packet / reply
const Frames kEofLoadDataLocalInfile = {
    "09000001fb726f77732e637376",
    kClientInfileDone,
    "37000004000200020000002f5265636f7264733a2032202044656c657465643a20302020536b69707065643a203020205761726e696e67733a"
    "2030",
};
// SELECT with NULLs
const Frames kDepSelectWithNulls = {
    "0100000103",
    "17000002036465660000000161000c3f0002000000038100000000",
    "17000003036465660000000162000c2d0008000000fd0000270000",
    "17000004036465660000000163000c2d0004000000fd0000270000",
    "050000050131fb0178",
    "06000006013202797afb",
    "07000007fe000002000000",
};
// CALL p() (two result sets + OK)
const Frames kDepCallPTwoResultSetsOk = {
    "0100000101",
    "1900000203646566000000036f6e65000c3f0001000000038100000000",
    "020000030131",
    "07000004fe00000a000000",
    "0100000502",
    "17000006036465660000000178000c2d0004000000fd0100270000",
    "17000007036465660000000179000c3f0000000000068000000000",
    "030000080161fb",
    "07000009fe00000a000000",
    "0700000a00000002000000",
};
// multi-statement SELECT 1; DO 1
const Frames kDepMultiStatementSelect1Do1 = {
    "0100000101",
    "17000002036465660000000131000c3f0001000000038100000000",
    "020000030131",
    "07000004fe00000a000000",
    "0700000500000002000000",
};
// error in the middle of rows
const Frames kDepErrorInTheMiddleOfRows = {
    "0100000102",
    "1b00000203646566017401720172017601760c3f000b000000030000000000",
    "17000003036465660000000173000c3f000b000000038000000000",
    "0400000401310131",
    "29000005ffda0423323130303053756271756572792072657475726e73206d6f7265207468616e203120726f77",
};
// BEGIN
const Frames kDepBegin = {
    "0700000100000003000000",
};
// COMMIT
const Frames kDepCommit = {
    "0700000100000002000000",
};
// COM_PING
const Frames kDepComPing = {
    "0700000100000002000000",
};
// COM_STATISTICS
const Frames kDepComStatistics = {
    "72000001557074696d653a203130322020546872656164733a203220205175657374696f6e733a2036322020536c6f7720717565726965733a"
    "203020204f70656e733a20323620204f70656e207461626c65733a20313920205175657269657320706572207365636f6e64206176673a2030"
    "2e363037",
};
// COM_FIELD_LIST r
const Frames kDepComFieldListR = {
    "1c00000103646566017401720172017601760c3f000b000000030000000000fb",
    "07000002fe000002000000",
};
// COM_STMT_PREPARE types
const Frames kDepComStmtPrepareTypes = {
    "0c00000100010000000f000100000000",
    "1700000203646566000000013f000c3f0000000000068000000000",
    "250000030364656601740574797065730574797065730269640269640c3f000b000000030350000000",
    "250000040364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000050364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000006036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000070364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000008036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "23000009036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "2900000a036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000b0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000c03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000d0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000e0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "2500000f0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500001003646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000110364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
};
// COM_STMT_EXECUTE types (no cursor)
const Frames kDepComStmtExecuteTypesNoCursor = {
    "010000010f",
    "250000020364656601740574797065730574797065730269640269640c3f000b000000030350000000",
    "250000030364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000040364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000005036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000060364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000007036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "23000008036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "29000009036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000a0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000b03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000c0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000d0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "2500000e0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500000f03646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000100364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
    // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one packet, two lines
    "5b0000110000000001000000fbe8fdc01dfeff001a7118020000000000c03f00000000000002c0063132332e343504e807021d0c0101000000"
    "011e0f48e801000be8070102030405f55b0a0007e40705060708090568656c6c6f0200ffe807",
    "1000001200f8a30102000000000004e807010200",
    "07000013fe000002000000",
};
// COM_STMT_EXECUTE types (cursor)
const Frames kDepComStmtExecuteTypesCursor = {
    "010000010f",
    "250000020364656601740574797065730574797065730269640269640c3f000b000000030110000000",
    "250000030364656601740574797065730574797065730274690274690c3f0004000000010000000000",
    "250000040364656601740574797065730574797065730273690273690c3f0005000000022000000000",
    "23000005036465660174057479706573057479706573016901690c3f000b000000030000000000",
    "250000060364656601740574797065730574797065730262690262690c3f0014000000080000000000",
    "23000007036465660174057479706573057479706573016601660c3f000c0000000400001f0000",
    "23000008036465660174057479706573057479706573016401640c3f00160000000500001f0000",
    "29000009036465660174057479706573057479706573046465633104646563310c3f000c000000f60000020000",
    "2500000a0364656601740574797065730574797065730264740264740c3f000a0000000a8000000000",
    "2500000b03646566017405747970657305747970657302746d02746d0c3f000e0000000b8000030000",
    "2700000c0364656601740574797065730574797065730364746d0364746d0c3f001a0000000c8000060000",
    "2500000d0364656601740574797065730574797065730274730274730c3f001300000007a000000000",
    "2500000e0364656601740574797065730574797065730276630276630c2d0050000000fd0000000000",
    "2500000f03646566017405747970657305747970657302626c02626c0c3f00ffff0000fc9000000000",
    "250000100364656601740574797065730574797065730279720279720c3f00040000000d6000000000",
    "07000011fe000042000000",
};
// COM_STMT_FETCH 1 row
const Frames kDepComStmtFetch1Row = {
    "5b0000010000000001000000fbe8fdc01dfeff001a7118020000000000c03f00000000000002c0063132332e343504e807021d0c0101000000"
    "011e0f48e801000be8070102030405f55b0a0007e40705060708090568656c6c6f0200ffe807",
    "07000002fe000042000000",
};
// COM_STMT_FETCH 10 rows
const Frames kDepComStmtFetch10Rows = {
    "1000000100f8a30102000000000004e807010200",
    "07000002fe000082000000",
};
// COM_STMT_PREPARE CALL p()
const Frames kDepComStmtPrepareCallP = {
    "0c000001000200000000000000000000",
};
// COM_STMT_EXECUTE CALL p()
const Frames kDepComStmtExecuteCallP = {
    "0100000101",
    "1900000203646566000000036f6e65000c3f0001000000038100000000",
    "06000003000001000000",
    "07000004fe00000a000000",
    "0100000502",
    "17000006036465660000000178000c2d0004000000fd0100270000",
    "17000007036465660000000179000c3f0000000000068000000000",
    "0400000800080161",
    "07000009fe00000a000000",
    "0700000a00000002000000",
};
// LOAD DATA LOCAL INFILE (request) / client sends "1,a\n2,b\n" and an empty packet / reply
const Frames kDepLoadDataLocalInfile = {
    "09000001fb726f77732e637376",
    kClientInfileDone,
    "37000004000200020000002f5265636f7264733a2032202044656c657465643a20302020536b69707065643a203020205761726e696e67733a"
    "2030",
};
// SELECT JSON and INET6 with extended type info
const Frames kExtSelectJsonAndInet6WithExtendedTypeInfo = {
    "020000010301",
    "1e000002036465660174016a016a026964026964000c3f000b000000030000000000",
    "26000003036465660174016a016a03646f6303646f630601046a736f6e0c2d00fffffffffc9000000000",
    "29000004036465660174016a016a04616464720461646472070005696e6574360c2d009c000000fea000000000",
    "0e0000050131077b2261223a317d033a3a31",
    "07000006fe000022000000",
};
// COM_STMT_PREPARE j
const Frames kExtComStmtPrepareJ = {
    "0c000001000400000002000000000000",
    "1e000002036465660174016a016a026964026964000c3f000b000000030000000000",
    "26000003036465660174016a016a03646f6303646f630601046a736f6e0c2d00fffffffffc9000000000",
};
// COM_STMT_EXECUTE j (first: metadata follows)
const Frames kExtComStmtExecuteJFirstMetadataFollows = {
    "020000010200",
    "0e000002000001000000077b2261223a317d",
    "07000003fe000022000000",
};
// COM_STMT_EXECUTE j (again: metadata cached)
const Frames kExtComStmtExecuteJAgainMetadataCached = {
    "020000010200",
    "0e000002000001000000077b2261223a317d",
    "07000003fe000022000000",
};

// ---------------------------------------------------------------------------------------------
// Driving the tracker

// "result_set_header column_definition*3 row" -> one name per event.
std::string expand(std::string_view spec) {
  std::istringstream in{std::string(spec)};
  std::string word;
  std::string out;
  while (in >> word) {
    int count = 1;
    if (const auto star = word.find('*'); star != std::string::npos) {
      count = std::stoi(word.substr(star + 1));
      word.resize(star);
    }
    for (int i = 0; i < count; ++i) out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// Feeds frames as the proxy does: the frame header gives the length, the payload is the head.
std::string feed(ResponseTracker& tracker, const Frames& frames) {
  std::string out;
  for (const std::string_view frame : frames) {
    std::string event;
    if (frame == kClientInfileDone) {
      event = tracker.on_client_infile_done() ? "(client_done)" : "(client_done_refused)";
    } else {
      const Buffer bytes = unhex(frame);
      EXPECT_GE(bytes.size(), kFrameHeaderSize);
      const FrameHeader header = decode_frame_header(bytes.data());
      EXPECT_EQ(header.payload_length, bytes.size() - kFrameHeaderSize) << frame;
      event = response_event_name(tracker.on_packet(header.payload_length, Bytes(bytes).subspan(kFrameHeaderSize)));
    }
    out += (out.empty() ? "" : " ") + event;
  }
  return out;
}

// A frame (header + payload) from a payload in hex; sequence ids do not matter to the tracker.
std::string frame(std::string_view payload_hex) {
  const Buffer payload = unhex(payload_hex);
  Buffer framed(kFrameHeaderSize);
  encode_frame_header(framed.data(), {static_cast<std::uint32_t>(payload.size()), 0});
  framed.insert(framed.end(), payload.begin(), payload.end());
  return testing_hex::to_hex(Bytes(framed));
}

struct TrackerCase {
  const char* name;
  Command command;
  CapabilityFlags caps;
  const Frames* frames;
  const char* events;
  StatusFlags final_status;
};

const TrackerCase kRecordedCases[] = {
    // --- without CLIENT_DEPRECATE_EOF
    {"eof_select_with_nulls", Command::query, kEofCaps, &kEofSelectWithNulls,
     "result_set_header column_definition*3 columns_end row*2 result_set_end", status::kAutocommit},
    {"eof_call_two_result_sets", Command::query, kEofCaps, &kEofCallPTwoResultSetsOk,
     "result_set_header column_definition columns_end row result_set_end "
     "result_set_header column_definition*2 columns_end row result_set_end ok",
     status::kAutocommit},
    {"eof_multi_statement", Command::query, kEofCaps, &kEofMultiStatementSelect1Do1,
     "result_set_header column_definition columns_end row result_set_end ok", status::kAutocommit},
    {"eof_error_in_rows", Command::query, kEofCaps, &kEofErrorInTheMiddleOfRows,
     "result_set_header column_definition*2 columns_end row err", status::kAutocommit | status::kNoIndexUsed},
    {"eof_begin", Command::query, kEofCaps, &kEofBegin, "ok", status::kAutocommit | status::kInTrans},
    {"eof_commit", Command::query, kEofCaps, &kEofCommit, "ok", status::kAutocommit},
    {"eof_ping", Command::ping, kEofCaps, &kEofComPing, "ok", status::kAutocommit},
    {"eof_statistics", Command::statistics, kEofCaps, &kEofComStatistics, "statistics", 0},
    {"eof_field_list", Command::field_list, kEofCaps, &kEofComFieldListR, "column_definition columns_end",
     status::kAutocommit},
    {"eof_prepare", Command::stmt_prepare, kEofCaps, &kEofComStmtPrepareTypes,
     "prepare_ok param_definition params_end column_definition*15 columns_end", status::kAutocommit},
    {"eof_execute", Command::stmt_execute, kEofCaps, &kEofComStmtExecuteTypesNoCursor,
     "result_set_header column_definition*15 columns_end row*2 result_set_end", status::kAutocommit},
    {"eof_execute_cursor", Command::stmt_execute, kEofCaps, &kEofComStmtExecuteTypesCursor,
     "result_set_header column_definition*15 result_set_end", status::kAutocommit | status::kCursorExists},
    {"eof_fetch_1", Command::stmt_fetch, kEofCaps, &kEofComStmtFetch1Row, "row result_set_end",
     status::kAutocommit | status::kCursorExists},
    {"eof_fetch_last", Command::stmt_fetch, kEofCaps, &kEofComStmtFetch10Rows, "row result_set_end",
     status::kAutocommit | status::kLastRowSent},
    {"eof_prepare_call", Command::stmt_prepare, kEofCaps, &kEofComStmtPrepareCallP, "prepare_ok", 0},
    {"eof_execute_call", Command::stmt_execute, kEofCaps, &kEofComStmtExecuteCallP,
     "result_set_header column_definition columns_end row result_set_end "
     "result_set_header column_definition*2 columns_end row result_set_end ok",
     status::kAutocommit},
    {"eof_local_infile", Command::query, kEofCaps, &kEofLoadDataLocalInfile, "local_infile_request (client_done) ok",
     status::kAutocommit},
    // --- with CLIENT_DEPRECATE_EOF
    {"dep_select_with_nulls", Command::query, kDepCaps, &kDepSelectWithNulls,
     "result_set_header column_definition*3 row*2 result_set_end", status::kAutocommit},
    {"dep_call_two_result_sets", Command::query, kDepCaps, &kDepCallPTwoResultSetsOk,
     "result_set_header column_definition row result_set_end result_set_header column_definition*2 row "
     "result_set_end ok",
     status::kAutocommit},
    {"dep_multi_statement", Command::query, kDepCaps, &kDepMultiStatementSelect1Do1,
     "result_set_header column_definition row result_set_end ok", status::kAutocommit},
    {"dep_error_in_rows", Command::query, kDepCaps, &kDepErrorInTheMiddleOfRows,
     "result_set_header column_definition*2 row err", 0},
    {"dep_begin", Command::query, kDepCaps, &kDepBegin, "ok", status::kAutocommit | status::kInTrans},
    {"dep_commit", Command::query, kDepCaps, &kDepCommit, "ok", status::kAutocommit},
    {"dep_ping", Command::ping, kDepCaps, &kDepComPing, "ok", status::kAutocommit},
    {"dep_statistics", Command::statistics, kDepCaps, &kDepComStatistics, "statistics", 0},
    {"dep_field_list", Command::field_list, kDepCaps, &kDepComFieldListR, "column_definition columns_end",
     status::kAutocommit},
    {"dep_prepare", Command::stmt_prepare, kDepCaps, &kDepComStmtPrepareTypes,
     "prepare_ok param_definition column_definition*15", 0},
    {"dep_execute", Command::stmt_execute, kDepCaps, &kDepComStmtExecuteTypesNoCursor,
     "result_set_header column_definition*15 row*2 result_set_end", status::kAutocommit},
    {"dep_execute_cursor", Command::stmt_execute, kDepCaps, &kDepComStmtExecuteTypesCursor,
     "result_set_header column_definition*15 result_set_end", status::kAutocommit | status::kCursorExists},
    {"dep_fetch_1", Command::stmt_fetch, kDepCaps, &kDepComStmtFetch1Row, "row result_set_end",
     status::kAutocommit | status::kCursorExists},
    {"dep_fetch_last", Command::stmt_fetch, kDepCaps, &kDepComStmtFetch10Rows, "row result_set_end",
     status::kAutocommit | status::kLastRowSent},
    {"dep_prepare_call", Command::stmt_prepare, kDepCaps, &kDepComStmtPrepareCallP, "prepare_ok", 0},
    {"dep_execute_call", Command::stmt_execute, kDepCaps, &kDepComStmtExecuteCallP,
     "result_set_header column_definition row result_set_end result_set_header column_definition*2 row "
     "result_set_end ok",
     status::kAutocommit},
    {"dep_local_infile", Command::query, kDepCaps, &kDepLoadDataLocalInfile, "local_infile_request (client_done) ok",
     status::kAutocommit},
    // --- MariaDB extended type info and metadata cache
    {"ext_select_json_inet6", Command::query, kExtCaps, &kExtSelectJsonAndInet6WithExtendedTypeInfo,
     "result_set_header column_definition*3 row result_set_end", status::kAutocommit | status::kNoIndexUsed},
    {"ext_prepare", Command::stmt_prepare, kExtCaps, &kExtComStmtPrepareJ, "prepare_ok column_definition*2", 0},
    {"ext_execute_cached_metadata", Command::stmt_execute, kExtCaps, &kExtComStmtExecuteJFirstMetadataFollows,
     "result_set_header row result_set_end", status::kAutocommit | status::kNoIndexUsed},
    {"ext_execute_cached_metadata_again", Command::stmt_execute, kExtCaps, &kExtComStmtExecuteJAgainMetadataCached,
     "result_set_header row result_set_end", status::kAutocommit | status::kNoIndexUsed},
};

class RecordedResponses : public ::testing::TestWithParam<TrackerCase> {};

TEST_P(RecordedResponses, GiveTheExpectedEvents) {
  const TrackerCase& c = GetParam();
  ResponseTracker tracker;
  tracker.start(c.command, c.caps);
  EXPECT_FALSE(tracker.done());
  EXPECT_EQ(feed(tracker, *c.frames), expand(c.events));
  EXPECT_TRUE(tracker.done()) << tracker.error().message();
  EXPECT_EQ(tracker.status_flags(), c.final_status);
  // Nothing more may come.
  EXPECT_EQ(feed(tracker, {frame("0000000200000000")}), "protocol_error");
  EXPECT_TRUE(tracker.failed());
  EXPECT_STREQ(tracker.error().field, "packet after the response was complete");
}

INSTANTIATE_TEST_SUITE_P(MariaDB, RecordedResponses, ::testing::ValuesIn(kRecordedCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ResponseTracker, ReportsCountsAndIds) {
  ResponseTracker t;
  t.start(Command::stmt_prepare, kEofCaps);
  feed(t, kEofComStmtPrepareTypes);
  EXPECT_EQ(t.statement_id(), 2u);
  EXPECT_EQ(t.prepared_columns(), 15u);
  EXPECT_EQ(t.prepared_params(), 1u);

  t.start(Command::query, kDepCaps);
  feed(t, kDepCallPTwoResultSetsOk);
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.result_sets(), 2u);
  EXPECT_EQ(t.column_count(), 2u);
  EXPECT_FALSE(t.more_results());

  t.start(Command::stmt_execute, kEofCaps);
  feed(t, kEofComStmtExecuteTypesCursor);
  EXPECT_TRUE(t.cursor_exists());
  EXPECT_EQ(t.rows(), 0u);

  t.start(Command::stmt_execute, kExtCaps);
  EXPECT_EQ(feed(t, {kExtComStmtExecuteJAgainMetadataCached[0]}), "result_set_header");
  EXPECT_FALSE(t.metadata_follows());
  EXPECT_EQ(t.column_count(), 2u);

  t.start(Command::query, kExtCaps);
  EXPECT_EQ(feed(t, {kExtSelectJsonAndInet6WithExtendedTypeInfo[0]}), "result_set_header");
  EXPECT_TRUE(t.metadata_follows());
  EXPECT_EQ(t.column_count(), 3u);
}

TEST(ResponseTracker, GivesTheOkPacketForSessionState) {
  // OK with SERVER_SESSION_STATE_CHANGED: system variable last_gtid = 0-100-13
  // header, affected rows, insert id, status 0x4002, warnings, info "", state block of 0x15 bytes:
  // type 0, entry of 0x13 bytes: name, value
  const std::string ok = frame("00 00 00 0240 0000 00 15 00 13 09 6c6173745f67746964 08 302d3130302d3133");
  ResponseTracker t;
  t.start(Command::query, kDepCaps | cap::kSessionTrack);
  const Buffer bytes = unhex(ok);
  const Bytes payload = Bytes(bytes).subspan(kFrameHeaderSize);
  EXPECT_EQ(t.on_packet(static_cast<std::uint32_t>(payload.size()), payload), ResponseEvent::ok);
  const auto parsed = t.ok_packet(payload);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->system_variable("last_gtid"), "0-100-13");
  EXPECT_TRUE(t.done());
}

TEST(ResponseTracker, FetchReportsTheLastRow) {
  ResponseTracker t;
  t.start(Command::stmt_fetch, kEofCaps);
  feed(t, kEofComStmtFetch1Row);
  EXPECT_TRUE(t.cursor_exists());
  EXPECT_FALSE(t.last_row_sent());
  t.start(Command::stmt_fetch, kEofCaps);
  feed(t, kEofComStmtFetch10Rows);
  EXPECT_FALSE(t.cursor_exists());
  EXPECT_TRUE(t.last_row_sent());
}

TEST(ResponseTracker, TransactionStateFollowsTheLastStatus) {
  ResponseTracker t;
  t.start(Command::query, kDepCaps);
  feed(t, kDepBegin);
  EXPECT_TRUE(t.in_transaction());
  // An ERR carries no status: the last one stands.
  t.start(Command::query, kDepCaps);
  EXPECT_EQ(feed(t, {frame("ff7a04233432533032756e6b6e6f776e")}), "err");
  EXPECT_TRUE(t.done());
  EXPECT_TRUE(t.in_transaction());
  t.start(Command::query, kDepCaps);
  feed(t, kDepCommit);
  EXPECT_FALSE(t.in_transaction());
}

// ---------------------------------------------------------------------------------------------
// Sequences built by hand

const std::string kCount1 = frame("01");
const std::string kCount2 = frame("02");
const std::string kColumn = frame("036465660000000161000c3f0002000000038100000000");
const std::string kEof = frame("fe00000200");
const std::string kEofMore = frame("fe00000a00");
const std::string kOkTerm = frame("fe000002000000");
const std::string kOk = frame("00000002000000");
const std::string kOkMore = frame("00000008000000");
const std::string kErr = frame("ff7a04233432533032756e6b6e6f776e");  // 1146 42S02 "unknown"
const std::string kTextRow = frame("0131");
const std::string kBinaryRow = frame("000001000000");

struct SyntheticCase {
  const char* name;
  Command command;
  CapabilityFlags caps;
  std::vector<std::string> frames;
  const char* events;
  bool done;
};

const std::vector<SyntheticCase>& synthetic_cases() {
  static const std::vector<SyntheticCase> cases = {
      {"column_count_zero_lenenc", Command::query, kDepCaps, {frame("fc0000")}, "protocol_error", false},
      {"row_before_all_columns",
       Command::query,
       kDepCaps,
       {kCount2, kColumn, kTextRow},
       "result_set_header column_definition protocol_error",
       false},
      {"terminator_before_all_columns",
       Command::query,
       kEofCaps,
       {kCount2, kColumn, kEof},
       "result_set_header column_definition protocol_error",
       false},
      {"err_in_column_definitions",
       Command::query,
       kEofCaps,
       {kCount2, kColumn, kErr},
       "result_set_header column_definition err",
       true},
      {"err_instead_of_metadata_eof",
       Command::query,
       kEofCaps,
       {kCount1, kColumn, kErr},
       "result_set_header column_definition err",
       true},
      {"row_instead_of_metadata_eof",
       Command::query,
       kEofCaps,
       {kCount1, kColumn, kTextRow},
       "result_set_header column_definition protocol_error",
       false},
      {"multi_statement_ok_ok", Command::query, kDepCaps, {kOkMore, kOkMore, kOk}, "ok ok ok", true},
      {"multi_statement_ok_then_result",
       Command::query,
       kEofCaps,
       {kOkMore, kCount1, kColumn, kEof, kTextRow, kEof},
       "ok result_set_header column_definition columns_end row result_set_end",
       true},
      {"multi_statement_error_ends", Command::query, kDepCaps, {kOkMore, kErr}, "ok err", true},
      {"result_then_more_results_then_err",
       Command::query,
       kEofCaps,
       {kCount1, kColumn, kEof, kTextRow, kEofMore, kErr},
       "result_set_header column_definition columns_end row result_set_end err",
       true},
      {"short_text_row_starting_with_fe",
       Command::query,
       kEofCaps,
       {kCount1, kColumn, kEof, frame("fe0200000000000000abcd"), kEof},
       "result_set_header column_definition columns_end protocol_error*2",
       false},
      {"binary_row_needs_header_0",
       Command::stmt_execute,
       kDepCaps,
       {kCount1, kColumn, kTextRow},
       "result_set_header column_definition protocol_error",
       false},
      {"binary_rows",
       Command::stmt_execute,
       kDepCaps,
       {kCount1, kColumn, kBinaryRow, kBinaryRow, kOkTerm},
       "result_set_header column_definition row row result_set_end",
       true},
      {"local_infile_refused_for_execute", Command::stmt_execute, kDepCaps, {frame("fb61")}, "protocol_error", false},
      {"local_infile_then_err",
       Command::query,
       kDepCaps,
       {frame("fb61"), std::string(kClientInfileDone), kErr},
       "local_infile_request (client_done) err",
       true},
      {"local_infile_ok_more_results",
       Command::query,
       kDepCaps,
       {frame("fb61"), std::string(kClientInfileDone), kOkMore, kOk},
       "local_infile_request (client_done) ok ok",
       true},
      {"server_talks_during_infile",
       Command::query,
       kDepCaps,
       {frame("fb61"), kOk},
       "local_infile_request protocol_error",
       false},
      {"client_done_without_request",
       Command::query,
       kDepCaps,
       {std::string(kClientInfileDone)},
       "(client_done_refused)",
       false},
      {"fetch_err", Command::stmt_fetch, kDepCaps, {kBinaryRow, kErr}, "row err", true},
      {"fetch_more_results_flag_does_not_continue", Command::stmt_fetch, kEofCaps, {kEofMore}, "result_set_end", true},
      {"set_option_eof", Command::set_option, kEofCaps, {kEof}, "ok", true},
      {"set_option_ok_fe", Command::set_option, kDepCaps, {kOkTerm}, "ok", true},
      {"set_option_err", Command::set_option, kEofCaps, {kErr}, "err", true},
      {"ping_refuses_eof", Command::ping, kEofCaps, {kEof}, "protocol_error", false},
      {"init_db_err", Command::init_db, kEofCaps, {kErr}, "err", true},
      {"prepare_err", Command::stmt_prepare, kEofCaps, {kErr}, "err", true},
      {"prepare_params_only",
       Command::stmt_prepare,
       kEofCaps,
       {frame("000100000000000200000000"), kColumn, kColumn, kEof},
       "prepare_ok param_definition param_definition params_end",
       true},
      {"prepare_columns_only_dep",
       Command::stmt_prepare,
       kDepCaps,
       {frame("000100000001000000000000"), kColumn},
       "prepare_ok column_definition",
       true},
      {"prepare_short_packet", Command::stmt_prepare, kEofCaps, {frame("0001000000")}, "protocol_error", false},
      {"field_list_err", Command::field_list, kDepCaps, {kErr}, "err", true},
      {"field_list_empty", Command::field_list, kEofCaps, {kEof}, "columns_end", true},
      {"field_list_garbage", Command::field_list, kEofCaps, {kTextRow}, "protocol_error", false},
      {"statistics_err", Command::statistics, kEofCaps, {kErr}, "err", true},
      {"empty_packet", Command::query, kEofCaps, {frame("")}, "protocol_error", false},
      {"eof_where_a_response_starts", Command::query, kEofCaps, {kEof}, "protocol_error", false},
      {"column_count_with_trailing_bytes", Command::query, kEofCaps, {frame("0100")}, "protocol_error", false},
      {"metadata_flag_without_capability", Command::query, kDepCaps, {frame("0101")}, "protocol_error", false},
      {"metadata_flag_must_be_0_or_1", Command::query, kExtCaps, {frame("0102")}, "protocol_error", false},
      {"mysql_optional_metadata_skipped",
       Command::query,
       kEofCaps | cap::kOptionalResultsetMetadata,
       {frame("0100"), kEof, kTextRow, kEof},
       "result_set_header columns_end row result_set_end",
       true},
      {"metadata_cache_without_flag_byte",
       Command::query,
       kExtCaps,
       {kCount1, kColumn, kTextRow, kOkTerm},
       "result_set_header column_definition row result_set_end",
       true},
      {"progress_reports",
       Command::query,
       kDepCaps | cap::kMariadbProgress,
       {frame("ffffff0101002710000000"), frame("ffffff0101004e20000000"), kOk},
       "progress progress ok",
       true},
      {"progress_needs_the_capability", Command::query, kDepCaps, {frame("ffffff0101002710000000")}, "err", true},
      {"ok_packet_cut_short", Command::query, kDepCaps, {frame("0000")}, "protocol_error", false},
      {"eof_packet_cut_short",
       Command::query,
       kEofCaps,
       {kCount1, kColumn, frame("fe0000")},
       "result_set_header column_definition protocol_error",
       false},
      {"failed_stays_failed", Command::query, kEofCaps, {kEof, kOk}, "protocol_error protocol_error", false},
  };
  return cases;
}

TEST(ResponseTrackerSynthetic, Table) {
  for (const SyntheticCase& c : synthetic_cases()) {
    SCOPED_TRACE(c.name);
    ResponseTracker t;
    t.start(c.command, c.caps);
    Frames frames(c.frames.begin(), c.frames.end());
    EXPECT_EQ(feed(t, frames), expand(c.events));
    EXPECT_EQ(t.done(), c.done) << t.error().message();
    if (!c.done) {
      EXPECT_TRUE(t.failed());
    }
  }
}

TEST(ResponseTracker, ZeroColumnsIsAnError) {
  ResponseTracker t;
  t.start(Command::query, kDepCaps);
  // 0xfc 0x0000: a column count of 0 in its 3-byte form (0x00 alone is an OK packet)
  EXPECT_EQ(feed(t, {frame("fc0000")}), "protocol_error");
  EXPECT_EQ(t.error().code, Errc::bad_value);
  EXPECT_STREQ(t.error().field, "column count (0 columns in a result set header)");
}

TEST(ResponseTracker, CommandsWithoutReplyAreDoneAtOnce) {
  ResponseTracker t;
  for (const Command c : {Command::stmt_close, Command::stmt_send_long_data, Command::quit}) {
    t.start(c, kDepCaps);
    EXPECT_TRUE(t.done());
  }
  t.start(Command::change_user, kDepCaps);
  EXPECT_TRUE(t.failed());
  t.start(Command::binlog_dump, kDepCaps);
  EXPECT_TRUE(t.failed());
  t.start_command(0x77, kDepCaps);  // unknown: the server answers ERR
  EXPECT_EQ(feed(t, {kErr}), "err");
  EXPECT_TRUE(t.done());
  t.start_command(0x03, kDepCaps);
  EXPECT_EQ(t.command(), Command::query);
}

TEST(ResponseTracker, RowsOf16MiBSpanFrames) {
  for (const CapabilityFlags caps : {kEofCaps, kDepCaps}) {
    ResponseTracker t;
    t.start(Command::query, caps);
    feed(t, {kCount1, kColumn});
    if (!has(caps, cap::kDeprecateEof)) feed(t, {kEof});
    // A text row whose only value has 2^24 bytes: fe + 8-byte length, then the value. Its first
    // frame starts with 0xfe yet is a row; only the first 16 bytes are given as head.
    Buffer head = unhex("fe0000000100000000");
    head.resize(ResponseTracker::kMinHead, 'a');
    EXPECT_EQ(t.on_packet(kMaxFramePayload, head), ResponseEvent::row);
    EXPECT_EQ(t.on_packet(kMaxFramePayload, head), ResponseEvent::row_continuation);  // all 'a' really
    const Buffer tail(ResponseTracker::kMinHead, 'a');
    EXPECT_EQ(t.on_packet(9, Bytes(tail).first(9)), ResponseEvent::row_continuation);
    // A short frame ended the row; the next ones are packets again.
    const Buffer row = unhex("0131");
    EXPECT_EQ(t.on_packet(2, row), ResponseEvent::row);
    const Buffer end = unhex(has(caps, cap::kDeprecateEof) ? "fe000002000000" : "fe00000200");
    EXPECT_EQ(t.on_packet(static_cast<std::uint32_t>(end.size()), end), ResponseEvent::result_set_end);
    EXPECT_TRUE(t.done());
    EXPECT_EQ(t.rows(), 2u);
  }
}

TEST(ResponseTracker, ContinuationFrameOfExactly16MiBIsFollowedByAnEmptyOne) {
  ResponseTracker t;
  t.start(Command::stmt_fetch, kDepCaps);
  const Buffer head(ResponseTracker::kMinHead, 0);
  EXPECT_EQ(t.on_packet(kMaxFramePayload, head), ResponseEvent::row);
  EXPECT_EQ(t.on_packet(0, {}), ResponseEvent::row_continuation);
  const Buffer end = unhex("fe000082000000");
  EXPECT_EQ(t.on_packet(static_cast<std::uint32_t>(end.size()), end), ResponseEvent::result_set_end);
  EXPECT_TRUE(t.done());
}

TEST(ResponseTracker, LongOkPacketReadFromItsHead) {
  // An OK packet of 70000 bytes (large session state): only 16 bytes of it are at hand.
  ResponseTracker t;
  t.start(Command::query, kDepCaps | cap::kSessionTrack);
  const Buffer head = unhex("0001000340000000fd6c1101aaaaaaaa");
  EXPECT_EQ(t.on_packet(70000, head), ResponseEvent::ok);
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.status_flags(), status::kInTrans | status::kAutocommit | status::kSessionStateChanged);
  // ...but a head shorter than 16 bytes of a longer packet is refused.
  t.start(Command::query, kDepCaps);
  EXPECT_EQ(t.on_packet(70000, Bytes(head).first(8)), ResponseEvent::protocol_error);
}

TEST(ResponseTracker, PacketsOf16MiBOutsideRowsAreRefused) {
  ResponseTracker t;
  t.start(Command::query, kDepCaps);
  const Buffer head = unhex("00000002000000000000000000000000");
  EXPECT_EQ(t.on_packet(kMaxFramePayload, head), ResponseEvent::protocol_error);
  EXPECT_EQ(t.error().code, Errc::too_long);
}

// No input makes it crash or loop: random packets after random valid prefixes.
TEST(ResponseTracker, SurvivesRandomPackets) {
  std::mt19937 rng(12345);
  const Command commands[] = {Command::query,      Command::stmt_execute, Command::stmt_prepare, Command::stmt_fetch,
                              Command::field_list, Command::statistics,   Command::ping,         Command::set_option};
  const CapabilityFlags caps[] = {kEofCaps, kDepCaps, kExtCaps | cap::kMariadbProgress,
                                  kEofCaps | cap::kOptionalResultsetMetadata};
  const std::uint8_t interesting[] = {0x00, 0x01, 0x02, 0x03, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};
  std::size_t events = 0;
  for (int round = 0; round < 3000; ++round) {
    ResponseTracker t;
    t.start(commands[rng() % std::size(commands)], caps[rng() % std::size(caps)]);
    for (int i = 0; i < 30 && !t.done() && !t.failed(); ++i) {
      Buffer payload(rng() % 24);
      for (auto& b : payload)
        b = (rng() % 2) ? interesting[rng() % std::size(interesting)] : static_cast<std::uint8_t>(rng());
      if (!payload.empty() && rng() % 3 == 0) {  // often a column definition
        payload = unhex("036465660000000161000c3f0002000000038100000000");
      }
      const std::uint32_t length = (rng() % 50 == 0) ? kMaxFramePayload : static_cast<std::uint32_t>(payload.size());
      const Bytes head =
          length == kMaxFramePayload && payload.size() < ResponseTracker::kMinHead ? Bytes{} : Bytes(payload);
      (void)t.on_packet(length, head);
      if (t.awaiting_client()) t.on_client_infile_done();
      ++events;
    }
  }
  EXPECT_GT(events, 3000u);
}

// skip_rows against on_packet: generated result sets (text and binary rows of many lengths, the
// packets that end or break a run of rows: terminators, ERR, a text row opening with 0xfe, empty
// and 16 MiB frames, a binary row without its 0x00), received in random pieces. Walking a piece
// with skip_rows first and on_packet for the frame after the skipped rows gives the same events,
// counts and state as on_packet frame by frame.
struct Walk {
  std::vector<ResponseEvent> events;  // a skipped row counts as one `row`
  std::uint64_t rows = 0;
  bool done = false;
  bool failed = false;
  StatusFlags status = 0;
  std::uint16_t warnings = 0;
  friend bool operator==(const Walk&, const Walk&) = default;
};

// One frame with `payload`, sequence ids left 0 (the tracker does not read them).
void add_frame(Buffer& stream, const Buffer& payload, std::uint32_t length) {
  stream.push_back(static_cast<std::uint8_t>(length));
  stream.push_back(static_cast<std::uint8_t>(length >> 8));
  stream.push_back(static_cast<std::uint8_t>(length >> 16));
  stream.push_back(0);
  stream.insert(stream.end(), payload.begin(), payload.end());
}

Buffer generated_result_set(std::mt19937& rng, bool binary, bool deprecate_eof) {
  Buffer stream;
  add_frame(stream, {0x01}, 1);  // one column
  const Buffer column = unhex("036465660000000161000c3f0002000000038100000000");
  add_frame(stream, column, static_cast<std::uint32_t>(column.size()));
  const Buffer eof = {0xfe, 0x00, 0x00, 0x02, 0x00};
  if (!deprecate_eof) add_frame(stream, eof, 5);
  const int rows = static_cast<int>(rng() % 40);
  for (int i = 0; i < rows; ++i) {
    const std::uint32_t kind = rng() % 40;
    Buffer payload;
    std::uint32_t length = 0;
    if (kind == 0) {  // an ERR packet ends the response
      payload = unhex("ff1904233432303030");
    } else if (kind == 1) {  // a text row opening with 0xfe in a short packet: refused
      payload = Buffer(1 + rng() % 12, 0x41);
      payload[0] = 0xfe;
    } else if (kind == 2) {  // an empty frame: refused
    } else if (kind == 3) {  // a frame of 16 MiB: a row spanning frames (only its head is here)
      payload = Buffer(ResponseTracker::kMinHead, 0x41);
      payload[0] = binary ? 0x00 : 0x05;
      length = kMaxFramePayload;
    } else if (kind == 4) {  // a binary row without its 0x00 header / a text row with NULL first
      payload = Buffer(2 + rng() % 20, 0x42);
      payload[0] = binary ? 0x01 : 0xfb;
    } else {
      // Lengths from 1 byte to past the relay's 64 KiB head limit, mostly short.
      const std::uint32_t n = kind < 8 ? 1 + rng() % 70000 : 1 + rng() % 300;
      payload = Buffer(n, static_cast<std::uint8_t>(rng()));
      payload[0] = binary ? 0x00 : static_cast<std::uint8_t>(rng() % 0xfe);
    }
    if (length == 0) length = static_cast<std::uint32_t>(payload.size());
    if (length == kMaxFramePayload) {
      // The frame's whole payload is not materialised: the stream ends inside it, so a walker
      // sees only its head (the last packet of the stream).
      add_frame(stream, payload, length);
      return stream;
    }
    add_frame(stream, payload, length);
  }
  if (deprecate_eof) {
    add_frame(stream, {0xfe, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00}, 7);
  } else {
    add_frame(stream, {0xfe, 0x01, 0x00, 0x22, 0x00}, 5);
  }
  return stream;
}

// Feeds the frame at `pos` to on_packet with what of its payload is among the stream's first
// `received` bytes, and moves `pos` past them.
ResponseEvent feed_frame(ResponseTracker& t, const Buffer& stream, std::size_t& pos, std::size_t received) {
  const auto header = decode_frame_header(stream.data() + pos);
  const std::size_t have = std::min<std::size_t>(header.payload_length, received - pos - kFrameHeaderSize);
  const ResponseEvent event = t.on_packet(header.payload_length, Bytes(stream.data() + pos + kFrameHeaderSize, have));
  pos += kFrameHeaderSize + have;
  return event;
}

// The tracker's counts and state at the end of a walk.
Walk ended(const ResponseTracker& t, Walk w) {
  w.rows = t.rows();
  w.done = t.done();
  w.failed = t.failed();
  w.status = t.status_flags();
  w.warnings = t.warnings();
  return w;
}

// on_packet frame by frame, each with its whole payload (or what the stream holds of it).
Walk walk_frames(const Buffer& stream, Command command, CapabilityFlags caps) {
  ResponseTracker t;
  t.start(command, caps);
  Walk w;
  std::size_t pos = 0;
  while (!t.done() && !t.failed() && stream.size() - pos >= kFrameHeaderSize) {
    w.events.push_back(feed_frame(t, stream, pos, stream.size()));
  }
  return ended(t, std::move(w));
}

// The stream arriving in pieces cut at `cuts`: after each piece, skip_rows over what is there from
// the current frame, then on_packet for a frame that is wholly there (or whose 16 MiB head is).
Walk walk_skipping(const Buffer& stream, Command command, CapabilityFlags caps, const std::vector<std::size_t>& cuts) {
  ResponseTracker t;
  t.start(command, caps);
  Walk w;
  std::size_t pos = 0;
  for (std::size_t k = 0; k <= cuts.size() && !t.done() && !t.failed(); ++k) {
    const std::size_t received = k < cuts.size() ? cuts[k] : stream.size();
    while (!t.done() && !t.failed()) {
      const std::size_t skipped = t.skip_rows(Bytes(stream.data() + pos, received - pos));
      EXPECT_LE(skipped, received - pos) << "skipped bytes not received yet";
      if (skipped > received - pos) return w;
      for (std::size_t at = pos; at < pos + skipped;) {
        w.events.push_back(ResponseEvent::row);
        at += kFrameHeaderSize + decode_frame_header(stream.data() + at).payload_length;
      }
      pos += skipped;
      if (received - pos < kFrameHeaderSize) break;
      const std::size_t length = decode_frame_header(stream.data() + pos).payload_length;
      const bool last = received == stream.size();
      if (received - pos - kFrameHeaderSize < length && !last) break;  // wait for the rest of the frame
      w.events.push_back(feed_frame(t, stream, pos, received));
    }
  }
  return ended(t, std::move(w));
}

TEST(ResponseTracker, SkippingRowsGivesWhatFrameByFrameGives) {
  std::mt19937 rng(20261208);
  std::size_t skipped_rows = 0;
  std::size_t ends[3] = {0, 0, 0};  // done, failed, cut off
  for (int round = 0; round < 2000; ++round) {
    const bool binary = rng() % 2 == 0;
    const bool deprecate_eof = rng() % 2 == 0;
    const Command command = binary ? Command::stmt_execute : Command::query;
    const CapabilityFlags caps = deprecate_eof ? kDepCaps : kEofCaps;
    const Buffer stream = generated_result_set(rng, binary, deprecate_eof);
    const Walk expected = walk_frames(stream, command, caps);
    std::vector<std::size_t> cuts;
    const std::size_t pieces = rng() % 6;
    for (std::size_t i = 0; i < pieces; ++i) cuts.push_back(1 + rng() % (stream.size() - 1));
    std::sort(cuts.begin(), cuts.end());
    const Walk got = walk_skipping(stream, command, caps, cuts);
    ASSERT_EQ(got, expected) << "round " << round << ", " << stream.size() << " bytes in " << pieces + 1 << " pieces";
    // The whole stream at once: every run of rows is skipped in one call.
    ResponseTracker t;
    t.start(command, caps);
    std::size_t pos = 0;
    while (!t.done() && !t.failed() && stream.size() - pos >= kFrameHeaderSize) {
      const std::size_t skipped = t.skip_rows(Bytes(stream.data() + pos, stream.size() - pos));
      pos += skipped;
      if (skipped > 0 || stream.size() - pos < kFrameHeaderSize) continue;
      const std::size_t length = decode_frame_header(stream.data() + pos).payload_length;
      const ResponseEvent event = feed_frame(t, stream, pos, stream.size());
      // Every row wholly there was skipped: only a row spanning frames is left to on_packet.
      EXPECT_TRUE(event != ResponseEvent::row || length == kMaxFramePayload) << "round " << round;
    }
    EXPECT_EQ(t.rows(), expected.rows) << "round " << round;
    skipped_rows += expected.rows;
    ++ends[expected.done ? 0 : expected.failed ? 1 : 2];
  }
  // The generator reached every ending and many rows.
  EXPECT_GT(skipped_rows, 10000u);
  EXPECT_GT(ends[0], 100u);
  EXPECT_GT(ends[1], 100u);
  EXPECT_GT(ends[2], 10u);
}

TEST(ResponseTracker, SkippingRowsStopsAtARowSpanningFrames) {
  // A row of 16 MiB + 3 bytes, wholly received: its first frame is not skipped (on_packet learns
  // that the next frame continues it), nor the continuation.
  ResponseTracker t;
  t.start(Command::query, kEofCaps);
  for (const auto& packet :
       {Buffer{0x01}, unhex("036465660000000161000c3f0002000000038100000000"), Buffer{0xfe, 0x00, 0x00, 0x02, 0x00}}) {
    (void)t.on_packet(static_cast<std::uint32_t>(packet.size()), packet);
  }
  Buffer stream;
  add_frame(stream, {0x05, 'a', 'b', 'c', 'd', 'e'}, 6);
  const std::size_t first_row = stream.size();
  add_frame(stream, Buffer(kMaxFramePayload, 0x41), kMaxFramePayload);
  add_frame(stream, {0x41, 0x41, 0x41}, 3);
  EXPECT_EQ(t.skip_rows(stream), first_row);
  EXPECT_EQ(t.rows(), 1u);
  EXPECT_EQ(
      t.on_packet(kMaxFramePayload, Bytes(stream.data() + first_row + kFrameHeaderSize, ResponseTracker::kMinHead)),
      ResponseEvent::row);
  const std::size_t continuation = first_row + kFrameHeaderSize + kMaxFramePayload;
  EXPECT_EQ(t.skip_rows(Bytes(stream.data() + continuation, stream.size() - continuation)), 0u);
  EXPECT_EQ(t.on_packet(3, Bytes(stream.data() + continuation + kFrameHeaderSize, 3)), ResponseEvent::row_continuation);
  EXPECT_EQ(t.rows(), 2u);
}

TEST(ResponseTracker, SkipsNoRowsOutsideARunOfRows) {
  ResponseTracker t;
  t.start(Command::query, kEofCaps);
  Buffer stream;
  add_frame(stream, {0x01}, 1);
  // The column count itself looks like a text row: not skipped before the tracker reached rows.
  EXPECT_EQ(t.skip_rows(stream), 0u);
  EXPECT_EQ(t.rows(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Whole conversations of real clients (libmariadb's C API and the mariadb command-line client)
// recorded by the wire recorder (see data/README.md): every response must be followed to its end
// without a protocol error, and its definitions and rows must parse.

struct ConversationStats {
  std::size_t commands = 0;
  std::size_t result_sets = 0;
  std::size_t rows = 0;
  std::size_t binary_rows = 0;
  std::size_t errors = 0;
};

class ConversationFollower {
 public:
  explicit ConversationFollower(ConversationStats& stats) : stats_(stats) {}

  void client_frame(Bytes payload, std::uint8_t sequence_id) {
    if (!handshake_seen_) {
      const auto response = parse_handshake_response(payload);
      ASSERT_TRUE(response.ok()) << response.error().message();
      caps_ = server_caps_ & response->capabilities;
      handshake_seen_ = true;
      return;
    }
    if (sequence_id != 0) return;  // LOCAL INFILE data or authentication continues
    ASSERT_TRUE(tracker_.done() || !commands_started_) << "command sent while a response was pending";
    ASSERT_FALSE(payload.empty());
    commands_started_ = true;
    ++stats_.commands;
    tracker_.start_command(payload[0], caps_);
    executing_statement_.reset();
    if (tracker_.command() == Command::stmt_execute) executing_statement_ = read_statement_id(payload);
    pending_.clear();
  }

  void server_frame(Bytes payload) {
    if (!greeting_seen_) {
      const auto greeting = parse_handshake_v10(payload);
      ASSERT_TRUE(greeting.ok()) << greeting.error().message();
      server_caps_ = greeting->capabilities;
      greeting_seen_ = true;
      return;
    }
    if (!commands_started_) return;  // the authentication exchange
    const ResponseEvent event = tracker_.on_packet(static_cast<std::uint32_t>(payload.size()), payload);
    ASSERT_NE(event, ResponseEvent::protocol_error) << tracker_.error().message();
    switch (event) {
      case ResponseEvent::result_set_header:
        ++stats_.result_sets;
        current_.clear();
        break;
      case ResponseEvent::column_definition:
      case ResponseEvent::param_definition: {
        const auto column = parse_column_definition(payload, caps_);
        ASSERT_TRUE(column.ok()) << column.error().message();
        if (event == ResponseEvent::column_definition) {
          current_.emplace_back(payload.begin(), payload.end());
          if (tracker_.command() == Command::stmt_prepare) pending_.emplace_back(payload.begin(), payload.end());
        }
        break;
      }
      case ResponseEvent::prepare_ok: prepared_id_ = tracker_.statement_id(); break;
      case ResponseEvent::row: {
        ++stats_.rows;
        if (tracker_.command() == Command::query) {
          EXPECT_EQ(check_text_row(payload, tracker_.column_count()), std::nullopt);
        } else {
          // Without metadata in the result set (MariaDB's cache), the prepare's columns apply.
          const auto& wires = tracker_.metadata_follows() ? current_ : statements_[executing_statement_.value_or(0)];
          std::vector<ColumnDefinition> columns;
          columns.reserve(wires.size());
          for (const Buffer& w : wires) columns.push_back(*parse_column_definition(w, caps_));
          ASSERT_EQ(columns.size(), tracker_.column_count());
          EXPECT_FALSE(check_binary_row(payload, columns).has_value());
          ++stats_.binary_rows;
        }
        break;
      }
      case ResponseEvent::err: ++stats_.errors; break;
      default: break;
    }
    if (tracker_.done() && tracker_.command() == Command::stmt_prepare) statements_[prepared_id_] = pending_;
  }

  bool idle() const { return !commands_started_ || tracker_.done(); }

 private:
  ConversationStats& stats_;
  ResponseTracker tracker_;
  bool greeting_seen_ = false;
  bool handshake_seen_ = false;
  bool commands_started_ = false;
  CapabilityFlags server_caps_ = 0;
  CapabilityFlags caps_ = 0;
  std::uint32_t prepared_id_ = 0;
  std::optional<std::uint32_t> executing_statement_;
  std::vector<Buffer> current_;  // column definitions of the current result set
  std::vector<Buffer> pending_;  // of the statement being prepared
  std::map<std::uint32_t, std::vector<Buffer>> statements_;
};

// Splits a direction's bytes into frames as they complete.
void drain_frames(Buffer& pending, const std::function<void(Bytes, std::uint8_t)>& on_frame) {
  std::size_t at = 0;
  while (pending.size() - at >= kFrameHeaderSize) {
    const FrameHeader h = decode_frame_header(pending.data() + at);
    if (pending.size() - at - kFrameHeaderSize < h.payload_length) break;
    on_frame(Bytes(pending).subspan(at + kFrameHeaderSize, h.payload_length), h.sequence_id);
    at += kFrameHeaderSize + h.payload_length;
  }
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(at));
}

ConversationStats follow_recording(const std::filesystem::path& path) {
  ConversationStats stats;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::unique_ptr<ConversationFollower> follower;
  Buffer from_client;
  Buffer from_server;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '=') {
      if (follower) {
        EXPECT_TRUE(follower->idle()) << "connection ended inside a response";
      }
      follower = std::make_unique<ConversationFollower>(stats);
      from_client.clear();
      from_server.clear();
      continue;
    }
    if (!follower || line.size() < 2) continue;
    const Buffer bytes = unhex(std::string_view(line).substr(2));
    if (line[0] == 'C') {
      from_client.insert(from_client.end(), bytes.begin(), bytes.end());
      drain_frames(from_client, [&](Bytes p, std::uint8_t seq) { follower->client_frame(p, seq); });
    } else {
      from_server.insert(from_server.end(), bytes.begin(), bytes.end());
      drain_frames(from_server, [&](Bytes p, std::uint8_t) { follower->server_frame(p); });
    }
  }
  if (follower) {
    EXPECT_TRUE(follower->idle()) << "recording ended inside a response";
  }
  ::testing::Test::RecordProperty("commands", static_cast<int>(stats.commands));
  ::testing::Test::RecordProperty("result_sets", static_cast<int>(stats.result_sets));
  ::testing::Test::RecordProperty("rows", static_cast<int>(stats.rows));
  ::testing::Test::RecordProperty("binary_rows", static_cast<int>(stats.binary_rows));
  return stats;
}

const std::filesystem::path kDataDir = WEIR_PROTOCOL_TEST_DATA;

TEST(RecordedConversations, CApiClient) {
  // login, prepared INSERT x3, prepared SELECT (binary rows), text SELECT, multi-statement
  // SELECT; SELECT; UPDATE, a warning, an error, quit
  const ConversationStats stats = follow_recording(kDataDir / "capi_client.txt");
  EXPECT_GE(stats.commands, 10u);
  EXPECT_GE(stats.result_sets, 4u);
  EXPECT_GT(stats.binary_rows, 0u);
  EXPECT_GT(stats.rows, stats.binary_rows);
  EXPECT_EQ(stats.errors, 1u);
}

TEST(RecordedConversations, MariadbCommandLineClient) {
  // a 3-row SELECT, an error, PREPARE/SET/EXECUTE/DEALLOCATE, a SELECT with warnings, SHOW WARNINGS
  const ConversationStats stats = follow_recording(kDataDir / "mariadb_cli.txt");
  EXPECT_GE(stats.commands, 8u);
  EXPECT_GE(stats.rows, 3u + 1u + 1u + 2u);
  EXPECT_EQ(stats.errors, 1u);
}

}  // namespace
}  // namespace weir::protocol
