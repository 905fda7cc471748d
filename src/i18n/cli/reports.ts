// What the command line prints while a command runs, in both languages: progress, reports, warnings and refusals.
// Loaded when a command runs (never for --help). The details a module below the CLI writes (a checkpoint that does not
// parse, a backup's own refusal) stay in its words inside these sentences, as the glossary says of technical reasons.
// `expert-draw proof verify` and `fairness` keep their report words next to them (proof-verify.ts, fairness-labels.ts).
import { defineMessages } from '../define.js';
import { areaTexts } from '../text.js';

const common = defineMessages({
  wrote: { zh: '已写入 {file}', en: 'wrote {file}' },
  verifying: { zh: '核验中', en: 'verifying' },
  'cannotRead.keyFile': { zh: '无法读取密钥文件 {file}', en: 'cannot read the key file {file}' },
  'cannotRead.caCert': { zh: '无法读取 CA 证书 {file}', en: 'cannot read the CA certificate {file}' },
  'cannotRead.caKey': { zh: '无法读取 CA 私钥 {file}', en: 'cannot read the CA key {file}' },
  'cannotRead.sealed': { zh: '无法读取密封结果文件 {file}', en: 'cannot read the sealed result {file}' },
  'assurance.operator': { zh: '服务随机数', en: 'operator' },
  'assurance.witnessed': { zh: '见证', en: 'witnessed' },
  'assurance.beacon': { zh: '信标', en: 'beacon' },
});

const demo = defineMessages({
  'demo.pool': { zh: '合成专家库：专家 {experts} 名，单位 {organisations} 个（种子“{seed}”，{ms} 毫秒）', en: 'synthetic pool: {experts} experts, {organisations} organisations (seed "{seed}", {ms} ms)' },
  'demo.project': { zh: '项目 {id}：开标时间 {opening}', en: 'project {id}: bid opening {opening}' },
  'demo.projectTenderer': { zh: '项目 {id}：开标时间 {opening}，招标人 {tenderer}', en: 'project {id}: bid opening {opening}, tenderer {tenderer}' },
  'demo.logged.commit': { zh: '1. 承诺已记入日志，序号 {index}（叶 {leaf}…），在种子产生之前已持久保存', en: '1. commit logged at index {index} (leaf {leaf}…), durable before the seed existed' },
  'demo.logged.seed': { zh: '2. 种子由承诺和新的服务随机数推出（保证级别：{assurance}）', en: '2. seed derived from the commit and a fresh nonce ({assurance} assurance)' },
  'demo.logged.result': { zh: '3. 结果已密封给服务密钥；其承诺记入日志，序号 {index}：只有人数和加盐哈希，没有专家编号', en: '3. result sealed to the service key; its commitment logged at index {index}: counts and a salted hash only, no expert id' },
  'demo.logged.group': { zh: '组 {index} {specialty}：抽中 {selected} 名，备选专家 {alternates} 名（身份不显示）', en: 'group {index} {specialty}: {selected} selected, {alternates} alternates (identities withheld)' },
  'demo.logged.checkpoint': { zh: '4. 检查点已签名，树大小 {size}；承诺的包含证明：{hashes} 个哈希', en: '4. checkpoint signed at size {size}; inclusion proof of the commit: {hashes} hashes' },
  'demo.logged.took': { zh: '抽取及两次持久写入用时 {ms} 毫秒', en: 'draw and both durable appends took {ms} ms' },
  'demo.draw': { zh: '抽取 {id}，承诺时间 {time}', en: 'draw {id}, committed at {time}' },
  'demo.drawReproducible': { zh: '抽取 {id}，承诺时间 {time}（来自 --nonce：每次都是同样的抽取）', en: 'draw {id}, committed at {time} (from --nonce: the same draw every time)' },
  'demo.commit': { zh: '1. 承诺（在任何随机性产生之前记入日志）：', en: '1. commit (logged before any randomness exists):' },
  'demo.commitGroup': {
    zh: '组 {index} {specialty}：成员 {members} 名中可抽取 {eligible} 名（摘要 {membersDigest}…），排除 {excluded} 名（摘要 {exclusionDigest}…）',
    en: 'group {index} {specialty}: {eligible} eligible of {members} members (digest {membersDigest}…), {excluded} excluded (digest {exclusionDigest}…)',
  },
  'demo.commitLeaf': { zh: '承诺叶哈希 {hash}', en: 'commit leaf hash {hash}' },
  'demo.seed': { zh: '2. 种子（保证级别：{assurance}）：{seed}', en: '2. seed ({assurance} assurance): {seed}' },
  'demo.ranking': { zh: '3. 排名（合成的假名编号；真实结果是密封的，见 docs/draw-proof.md §10）：', en: '3. ranking (synthetic pseudonymous ids; real results are sealed, see docs/draw-proof.md §10):' },
  'demo.rankingGroup': { zh: '组 {index} {specialty}：抽中 {selected} | 备选专家 {alternates}', en: 'group {index} {specialty}: selected {selected} | alternates {alternates}' },
  'demo.skipped': { zh: '跳过 {count} 名', en: 'skipped {count}' },
  'demo.computed': { zh: '抽取计算用时 {ms} 毫秒（首次调用，未预热；准确测量请用 npm run bench -- --suite engine）', en: 'draw computed in {ms} ms (first call, unwarmed; npm run bench -- --suite engine measures properly)' },
  'demo.devKeys': { zh: '已生成开发用密钥：', en: 'generated development keys:' },
  'demo.logBroken': { zh: '审计日志在序号 {index} 处未通过自检：{reason}', en: 'the audit log fails its self-check at index {index}: {reason}' },
  'pool.wrote': { zh: '已将 {count} 名专家写入 {file}', en: 'wrote {count} experts to {file}' },
});

const keys = defineMessages({
  'keys.private': { zh: '私钥文件只有其所有者可读；请勿放在共享磁盘上，也不要纳入版本控制。', en: 'Private files are readable only by their owner; keep them off shared disks and out of version control.' },
  'exchange.verifierKey': { zh: '# 验证公钥，供其他交易中心的 EXPERT_DRAW_EXCHANGE_TRUSTED 使用：', en: '# verifier key, for the other centres\' EXPERT_DRAW_EXCHANGE_TRUSTED:' },
  'ca.fingerprint': { zh: 'CA 指纹（SHA-256）：{fingerprint}', en: 'CA fingerprint (SHA-256): {fingerprint}' },
  'ca.keepOffline': { zh: '请离线保存 {key}，且只有您可读：持有它的人可以为远程评标场地签发证书。{cert} 是公开的。', en: 'Keep {key} offline and readable only by you: whoever holds it can certify a site. {cert} is public.' },
  'ca.site': { zh: '远程评标场地 {id}（{name}），有效期至 {until}', en: 'site {id} ({name}), valid until {until}' },
  'ca.siteFingerprint': { zh: '指纹（SHA-256）：{fingerprint}', en: 'fingerprint (SHA-256): {fingerprint}' },
  'ca.handKey': { zh: '请通过可信渠道只把 {key} 交给该远程评标场地；场地证书是公开的。', en: 'Hand {key} to the site only, over a trusted channel; the site certificate is public.' },
  'ca.refuseOverwrite': { zh: '不覆盖已有文件：{files}', en: 'refusing to overwrite {files}' },
  'ca.notPrivateKey': { zh: '{file} 中没有未加密的 PEM 私钥', en: '{file} does not hold an unencrypted PEM private key' },
});

const open = defineMessages({
  'open.needVerifierKey': {
    zh: '请用 --verifier-key 给出交易中心的日志验证公钥（log-signer.vkey）：它核对此文件就是日志所承诺的结果；--unchecked 可不经此核对打开',
    en: 'give --verifier-key with the centre\'s log verifier key (log-signer.vkey): it checks that this file is the result the log committed to; --unchecked opens it without that check',
  },
  'open.notJson': { zh: '{file} 不是 JSON', en: '{file} is not JSON' },
  'open.uncheckedWarning': { zh: '警告：未经日志核对（--unchecked）：经手此文件的任何人都可能改动了名单；不要按它安排任何人入席', en: 'warning: not checked against the log (--unchecked): anyone who handled this file could have changed the list; seat nobody from it' },
  'open.refused': { zh: '{what}：不要使用此名单，并告知交易中心', en: '{what}: do not use this list, and tell the centre' },
  'open.noResult': { zh: '文件中没有已记入日志的 draw.result 条目（从旧版服务下载的？）：请重新下载', en: 'the file carries no logged draw.result entry (downloaded from an older service?): download it again' },
  'open.notLogs': { zh: '其 draw.result 条目不是日志中的：{problem}', en: 'its draw.result entry is not the log\'s: {problem}' },
  'open.differs': { zh: '文件与日志中第 {index} 号 draw.result 条目不符：{differences}', en: 'the file does not match draw.result entry #{index} of the log: {differences}' },
  'open.diff.draw': { zh: '条目属于抽取 {logged}，文件写的是 {file}', en: 'the entry is of draw {logged}, the file says {file}' },
  'open.diff.project': { zh: '条目属于项目 {logged}，文件写的是 {file}', en: 'the entry is of project {logged}, the file says {file}' },
  'open.diff.site': { zh: '条目密封给 {logged}，文件写的是 {file}', en: 'the entry seals to {logged}, the file says {file}' },
  'open.diff.noSite': { zh: '无远程评标场地', en: 'no site' },
  'open.diff.index': { zh: '条目是第 {logged} 号，文件写的是第 {file} 号', en: 'the entry is #{logged}, the file says #{file}' },
  'open.diff.resultHash': { zh: '文件的 resultHash 不是条目所记的', en: 'the file’s resultHash is not the one the entry logged' },
  'open.diff.box': { zh: '密封内容不是条目所记的', en: 'the sealed box is not the one the entry logged' },
  'open.diff.commitment': { zh: '打开的结果与条目所记的承诺不符', en: 'the opened result does not match the commitment the entry logged' },
  'open.head': { zh: '项目 {project} 的抽取 {draw}，密封给远程评标场地 {site}', en: 'Draw {draw} of project {project}, sealed to site {site}' },
  'open.notChecked': { zh: '未经日志核对（--unchecked）', en: 'NOT CHECKED against the log (--unchecked)' },
  'open.matches': { zh: '与日志中第 {index} 号 draw.result 条目一致，已用交易中心的日志密钥核验', en: 'Matches draw.result entry #{index} of the log, verified with the centre\'s log key' },
  'open.group': { zh: '第 {n} 组：{specialty}，{seats} 个席位', en: 'Group {n}: {specialty}, {seats} seats' },
  'open.col.rank': { zh: '名次', en: 'rank' },
  'open.col.role': { zh: '身份', en: 'role' },
  'open.col.expert': { zh: '专家', en: 'expert' },
  'open.col.name': { zh: '姓名', en: 'name' },
  'open.col.idNumber': { zh: '居民身份证号码', en: 'ID number' },
  'open.role.seat': { zh: '席位', en: 'seat' },
  'open.role.alternate': { zh: '备选', en: 'alternate' },
  'open.role.top-up': { zh: '补抽', en: 'top-up' },
  'open.footer': { zh: '席位按此顺序给接受通知的专家；签到时核对居民身份证与号码。', en: 'Seats go to the experts who accept their call, down this order; check-in matches the ID card against the ID number.' },
});

const log = defineMessages({
  'log.noStore': { zh: '{dir} 中没有存储（缺少 {file}）：请用 --data-dir 或 EXPERT_DRAW_DATA_DIR 指向服务的数据文件夹', en: 'no store in {dir} ({file} is missing): give --data-dir, or set EXPERT_DRAW_DATA_DIR, to the service\'s data folder' },
  'log.noRedisLog': {
    zh: '{where}下没有日志：请给出服务的 --redis-prefix（EXPERT_DRAW_REDIS_PREFIX）；或者该服务器没有数据（恢复的 dump.rdb 只在 appendonly 关闭时加载：docs/backups.md）',
    en: 'no log under {where}: give --redis-prefix (EXPERT_DRAW_REDIS_PREFIX) of the service; or the server holds no data (a restored dump.rdb loads only with appendonly off: docs/backups.md)',
  },
  'log.prefix': { zh: 'Redis 前缀“{prefix}”', en: 'the Redis prefix "{prefix}"' },
  'log.prefixAt': { zh: '{url} 上的 Redis 前缀“{prefix}”', en: 'the Redis prefix "{prefix}" at {url}' },
  'log.ok': { zh: '通过：已核验 {size} 个条目和 {checkpoints} 个检查点，用时 {seconds} 秒（来源 {origin}）', en: 'OK: {size} entries and {checkpoints} checkpoints verified in {seconds} s (origin {origin})' },
  'log.broken': { zh: '损坏：序号 {index}：{reason}', en: 'BROKEN at index {index}: {reason}' },
  'log.badInterval': { zh: '--interval 必须是正的秒数', en: '--interval must be a positive number of seconds' },
  'marker.badReason': { zh: '--reason 须说明原因，2 到 500 个字符', en: '--reason must say why, in 2 to 500 characters' },
  'marker.none': { zh: '{dir} 中没有此存储（{store}）与日志密钥（{key}）的日志标记：无可归档；服务可照常启动', en: 'no log marker of this store ({store}) and log key ({key}) in {dir}: nothing to archive; the service starts as it is' },
  'marker.held': { zh: '存储包含日志标记所记的树（{size} 个条目，{at}）：无可归档；服务可照常启动', en: 'the store holds the tree the log marker names ({size} entries, {at}): nothing to archive; the service starts as it is' },
  'marker.archived': { zh: '已归档 {store} 的日志标记：本实例曾签名或见到树大小 {size}（{at}）；存储中日志的树大小为 {storeSize}。', en: 'archived the log marker of {store}: this instance had signed or seen a tree of size {size} ({at}); the store’s log is of size {storeSize}.' },
  'marker.notEmpty': {
    zh: '此存储（{store}）没有自己的日志标记，且其日志不为空（树大小 {storeSize}）：无可归档；同一密钥在其他存储名下的标记（{marked}）保持不变',
    en: 'this store ({store}) has no log marker of its own and its log is not empty (size {storeSize}): nothing to archive; the markers of the key under other store names ({marked}) stay as they are',
  },
  'marker.nextStart': { zh: '下次启动将按现状接受此存储，并把归档的标记记入日志（log.marker-archived）。', en: 'the next start accepts the store as it is and records the archived marker in the log (log.marker-archived).' },
  'watch.error': { zh: '错误：{reason}', en: 'ERROR: {reason}' },
  'watch.noProof': { zh: '没有从 {from} 到 {to} 的一致性证明：{reason}', en: 'no consistency proof from {from} to {to}: {reason}' },
  'watch.cannotProve': { zh: '日志现在给出的树大小为 {size}，却无法证明它此前签名的树大小 {kept} 是其延续（{reason}）', en: 'the log now shows tree size {size} and cannot prove that tree size {kept}, which it signed before, extends it ({reason})' },
  'watch.wentBack': { zh: '日志的最新检查点（树大小 {size}）早于已保存的检查点 {kept}：日志回退了', en: 'the log\'s latest checkpoint (tree size {size}) is older than kept checkpoint {kept}: the log went back' },
  'watch.unchanged': { zh: '无变化：最新检查点就是已保存的检查点 {size}', en: 'unchanged: the latest checkpoint is kept checkpoint {size}' },
  'watch.kept': { zh: '已保存检查点 {size}（根 {root}）：{proved} → {file}', en: 'kept checkpoint {size} (root {root}): {proved} → {file}' },
  'watch.consistentWith': { zh: '与已保存的检查点 {size} 一致', en: 'consistent with kept checkpoint {size}' },
  'watch.first': { zh: '第一个保存的检查点', en: 'the first kept' },
  'watch.between': { zh: '{proved}（以及日志在其间签名的 {count} 个，每个都与前一个一致）', en: '{proved} (and the {count} the log signed in between, each consistent with the one before)' },
  'watch.pageFailed': { zh: '从树大小 {size} 起签名的检查点：{reason}', en: 'the checkpoints signed from tree size {size}: {reason}' },
  'watch.betweenFailed': { zh: '在已保存的 {from} 与 {to} 之间签名的检查点 {size}：{reason}', en: 'checkpoint {size}, signed between kept {from} and {to}: {reason}' },
  'watch.fork': { zh: '分叉：{reason}', en: 'FORK: {reason}' },
  'watch.keptNote': { zh: '--- 已保存的检查点，树大小 {size}（{file}）---', en: '--- kept checkpoint, tree size {size} ({file}) ---' },
  'watch.servedNote': { zh: '--- 服务给出的检查点，树大小 {size}（已留存备查：{file}）---', en: '--- served checkpoint, tree size {size} (kept as evidence: {file}) ---' },
  'watch.bothSigned': { zh: '--- 两者都由日志密钥签名：请保存它们，并报告此分叉 ---', en: '--- both are signed by the log key: keep them, and report the fork ---' },
  'kept.notFolder': { zh: '{dir} 不是文件夹：保存的检查点是由 <size>.note 文件组成的文件夹', en: '{dir} is not a folder: the kept checkpoints are a folder of <size>.note files' },
  'kept.doesNotVerify': { zh: '保存的检查点 {file} 未通过核验：{reason}', en: 'kept checkpoint {file} does not verify: {reason}' },
  'kept.wrongSize': { zh: '保存的检查点 {file} 的树大小为 {size}', en: 'kept checkpoint {file} is of tree size {size}' },
  'api.notUrl': { zh: '--url {url}：不是网址（例如 https://draw.example.gov.cn）', en: '--url {url}: not a URL (for example https://draw.example.gov.cn)' },
  'api.onlyHttp': { zh: '--url {url}：只支持 http 和 https', en: '--url {url}: only http and https' },
  'api.cannotReach': { zh: '无法连接 {url}（{reason}）', en: 'cannot reach {url} ({reason})' },
  'api.notJson': { zh: 'GET {path}：{status}，不是 JSON', en: 'GET {path}: {status}, not JSON' },
  'api.notConsistency': { zh: '日志的回答不是从 {from} 到 {to} 的一致性证明', en: 'the log answered something other than a consistency proof from {from} to {to}' },
});

const verify = defineMessages({
  'verifierKey.noFile': { zh: '验证公钥文件 {file} 不存在：请给出日志的公钥文件（{keyFile}）或公钥本身（名称+编号+密钥）', en: 'the verifier key file {file} does not exist: give the log\'s public key file ({keyFile}) or the key itself (name+id+key)' },
  'verifierKey.missing': { zh: '{file} 处没有日志验证公钥：请给出 --keys-dir（服务的密钥文件夹，EXPERT_DRAW_KEYS_DIR）或 --verifier-key', en: 'no log verifier key at {file}: give --keys-dir (the service\'s keys folder, EXPERT_DRAW_KEYS_DIR) or --verifier-key' },
  'verifierKey.cannotRead': { zh: '无法读取日志验证公钥 {file}（{code}）', en: 'cannot read the log verifier key {file} ({code})' },
  'verifierKey.private': { zh: '{source} 中是私钥：请给出日志的验证公钥（{keyFile}，一行：名称+编号+密钥），私钥请留在原处', en: '{source} holds a private key: give the log\'s public verifier key ({keyFile}, one line name+id+key), and keep the private one where it is' },
  'verifierKey.notKey': { zh: '{source} 中不是日志验证公钥（名称+编号+密钥，如 {keyFile}）：{reason}', en: '{source} does not hold a log verifier key (name+id+key, as in {keyFile}): {reason}' },
  'verifierKey.optionValue': { zh: '--verifier-key 的值', en: 'the --verifier-key value' },
  'bundles.cannotRead': { zh: '无法读取 {path}：没有此文件或文件夹', en: 'cannot read {path}: no such file or folder' },
  'bundles.none': { zh: '{paths} 中没有证明包（.json 文件）', en: 'no proof bundles (.json files) in {paths}' },
  'bundles.jobsCapped': { zh: '--jobs {requested} 超过可用的 {cores} 个处理器核：最多同时核验 {cores} 个证明包', en: '--jobs {requested} is more than the {cores} cores available: at most {cores} bundles are verified at once' },
  'proof.notChain': { zh: '{file} 不是 drand 链信息：{reason}', en: '{file} is not a drand chain info: {reason}' },
  'kept.badRecord': { zh: '保存的记录 {file} {why}：该文件夹是 log watch 自己的记录；其中被改动的文件须查明原因', en: 'kept record {file} {why}: the folder is log watch\'s own record; a changed file there is to be looked into' },
  'kept.record.notJson': { zh: '不是 JSON', en: 'is not JSON' },
  'kept.record.notRecord': { zh: '不是树大小 {size} 带取得时间的记录', en: 'is not the record of tree size {size} with its fetch time' },
  'kept.record.noProof': { zh: '没有到树大小 {size} 的一致性证明', en: 'does not hold a consistency proof to tree size {size}' },
  'kept.record.notKeptFrom': { zh: '证明自树大小 {from} 起的一致性，而它不是 {size} 之前保存的检查点', en: 'proves consistency from tree size {from}, which is not a kept checkpoint before {size}' },
  'kept.record.doesNotVerify': { zh: '所含从树大小 {from} 到 {size} 的一致性证明与两个保存的检查点不符', en: 'holds a consistency proof from tree size {from} to {size} that does not verify against the two kept checkpoints' },
  'kept.noRecord': { zh: '保存的检查点 {file} 没有记录（{record}），而该文件夹自树大小 {oldest} 起都有记录：它不是 log watch 保存的，可能是别的历史的签名检查点，被人放了进来。若 log watch 恰在写这两个文件之间停止，请把该检查点移走：下一轮会连同记录重新保存它', en: 'kept checkpoint {file} has no record ({record}), though the folder holds records from tree size {oldest}: log watch did not keep it, and it may be a signed checkpoint of another history put there. If log watch stopped between writing the two files, move the note away: the next pass keeps it again with its record' },
  'kept.record.notCanonical': { zh: '不是 log watch 所写的规范 JSON（RFC 8785，仅三个字段）加换行，逐字节不符：记录被改动过', en: 'is not byte for byte the canonical JSON (RFC 8785, the three fields only) and newline that log watch writes: the record was edited' },
  'kept.record.future': { zh: '称取得于 {at}，晚于本机当前时间（{now}）', en: 'says it was fetched at {at}, later than now on this machine ({now})' },
  'kept.record.timeBack': { zh: '称取得于 {at}，早于更小的树 {before} 的取得时间（{beforeAt}）：取得时间不会随树变大而倒退', en: 'says it was fetched at {at}, before the smaller kept tree {before} (fetched at {beforeAt}): fetch times do not go back as the tree grows' },
  'kept.orphan': { zh: '保存的记录 {file} 旁边没有保存的检查点（{note}）', en: 'kept record {file} has no kept checkpoint beside it ({note})' },
  'api.notCheckpoints': { zh: '日志的回答不是自 {from} 起的一页检查点', en: 'the log answered something other than a page of checkpoints from {from}' },
  'proof.noKept': { zh: '--kept {dir}：没有此文件夹（它存放 log watch --keep 保存的检查点）', en: '--kept {dir}: no such folder (it holds the checkpoints that log watch --keep kept)' },
  'fairness.alpha': { zh: '--alpha 必须在 0 与 1 之间，而不是 {value}', en: '--alpha must be between 0 and 1, not {value}' },
  'fairness.top': { zh: '--top 必须是整数，而不是 {value}', en: '--top must be a whole number, not {value}' },
  'fairness.cannotWrite': { zh: '无法将图表写入 {file}：{why}', en: 'cannot write the chart to {file}: {why}' },
  'fairness.noFolder': { zh: '没有此文件夹', en: 'no such folder' },
  'fairness.notAllowed': { zh: '没有权限', en: 'not allowed' },
  'fairness.isFolder': { zh: '那是一个文件夹', en: 'that is a folder' },
});

const accounts = defineMessages({
  'token.siteCombination': { zh: '{problem}（--site 用于场地令牌，以及场地签到终端的签到令牌）', en: '{problem} (--site is for site tokens, and for checkin tokens of a site\'s desk)' },
  'token.ttlTooLong': { zh: '--ttl 超过服务的上限 {max} 秒', en: '--ttl exceeds the service\'s maximum of {max} s' },
  'users.firstPassword': { zh: '初始密码：', en: 'first password:' },
  'users.again': { zh: '再输入一次：', en: 'again:' },
  'users.differ': { zh: '两次输入的密码不同', en: 'the two passwords differ' },
  'users.devKeys': { zh: '已在 {dir} 生成开发用密钥', en: 'generated development keys in {dir}' },
  'users.redisStore': { zh: 'Redis，前缀 {prefix}', en: 'Redis, prefix {prefix}' },
  'users.created': { zh: '已在 {store} 中创建账号 {username}（{role}，{id}）；首次登录时必须修改初始密码', en: 'created {role} {username} ({id}) in {store}; the first password must be changed at the first login' },
});

const backup = defineMessages({
  'backup.refused': { zh: '拒绝：{reason}', en: 'refused: {reason}' },
  'backup.redis': {
    zh: '存储是 Redis：请用 Redis 自身的持久化备份（RDB 文件，或 appendfsync always 时的 AOF 副本），见 docs/backups.md 的“Redis”一节',
    en: 'the store is Redis: back it up with Redis persistence (an RDB snapshot or a copy of the AOF with appendfsync always), as docs/backups.md "Redis" says',
  },
  'backup.copying': { zh: '复制页面中', en: 'copying pages' },
  'backup.done': { zh: '备份在 {dir}：日志条目 {size} 个，最新检查点的树大小 {checkpoint}', en: 'backup in {dir}: {size} log entries, latest checkpoint at {checkpoint}' },
  'backup.none': { zh: '无', en: 'none' },
  'backup.keepCheckpoint': { zh: '请把 {file} 的副本与备份分开保存：恢复时用它核对备份', en: 'keep a copy of {file} apart from the backups: a restore checks a backup against it' },
  'backup.noPrivateKeys': { zh: '未包含私钥（--with-private-keys）：恢复时需要该实例的密钥文件夹', en: 'private keys not included (--with-private-keys): restore needs the instance\'s keys folder' },
  'restore.notSqlite': {
    zh: 'restore 恢复的是内嵌的 SQLite 存储，而此服务运行在 {store} 上（EXPERT_DRAW_STORE）：请按 docs/backups.md 用 Redis 自己的文件恢复',
    en: 'restore restores the embedded SQLite store, and this service runs on {store} (EXPERT_DRAW_STORE): restore Redis from its own files as docs/backups.md says',
  },
  'restore.cannotReadCheckpoint': { zh: '无法读取保存的检查点 {file}', en: 'cannot read the kept checkpoint {file}' },
  'restore.done': { zh: '已恢复：{facts}', en: 'restored: {facts}' },
  'restore.verified': { zh: '已核验 {size} 个条目和 {checkpoints} 个检查点', en: '{size} entries and {checkpoints} checkpoints verified' },
  'restore.noKept': { zh: '未给出保存的检查点', en: 'no kept checkpoint given' },
  'restore.holdsKept': { zh: '包含树大小为 {size} 的保存检查点', en: 'holds the kept checkpoint at {size}' },
  'restore.signed': { zh: '数据库与备份签名时一致', en: 'the database is as the backup signed it' },
  'restore.markerArchived': {
    zh: '本实例曾签名或见到树大小为 {size} 的日志（其日志标记，{at}）；备份中日志的树大小为 {restored}：之后的条目未恢复。标记已归档；下次启动时记入日志（log.marker-archived）。',
    en: 'this instance had signed or seen the log at size {size} (its log marker, {at}); the backup’s log is of size {restored}: the entries after it are not restored. The marker is archived; the next start records it in the log (log.marker-archived).',
  },
  'restore.otherHistory': {
    zh: '备份中的树不是本实例签署或确认的那棵（日志标记：树大小 {size}，{at}；备份中日志的树大小为 {restored}，其前 {size} 条构成的树根不同）：这是同一密钥下的另一份历史，而不是较旧的副本。未恢复任何内容。如确需以它替换所标记的历史，请加 --replace-history 重新运行 restore（标记随之归档，下次启动时记入日志）',
    en: 'the backup holds another tree than the one this instance signed or saw confirmed (its log marker: size {size}, {at}; the backup’s log is of size {restored} and its tree at size {size} has another root): a different history under the same key, not an older copy. Nothing was restored. To replace the marked history with it deliberately, run restore again with --replace-history (the marker is then archived and the next start records it in the log)',
  },
  'restore.historyReplaced': {
    zh: '备份是另一份历史（--replace-history）：本实例曾签名或见到的树大小为 {size} 的日志（其日志标记，{at}）已被备份中树大小为 {restored} 的日志取代。标记已归档；下次启动时记入日志（log.marker-archived）。',
    en: 'the backup is another history (--replace-history): the log this instance signed or saw at size {size} (its log marker, {at}) is replaced by the backup’s log of size {restored}. The marker is archived; the next start records it in the log (log.marker-archived).',
  },
  'restore.unsignedWarning': { zh: '警告：以 --accept-unsigned 恢复：记录（专家库、项目、名册、账号）只能信任；只核验了日志', en: 'warning: restored with --accept-unsigned: the records (pool, projects, rosters, accounts) are taken on trust; only the log was verified' },
});

/** Every text the CLI prints while a command runs. */
export const CLI_REPORTS = { ...common, ...demo, ...keys, ...open, ...log, ...verify, ...accounts, ...backup } as const;

export const reportTexts = areaTexts(CLI_REPORTS);
