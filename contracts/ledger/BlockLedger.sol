// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {NodeRegistry} from "../registry/NodeRegistry.sol";
import {StakeVault, RewardRole} from "../staking/StakeVault.sol";
import {DelegateElection} from "../election/DelegateElection.sol";

/// @title BlockLedger
/// @notice Block commitments with "51 % validation" and evidence-based punishment (SPEC.md
///         section 5; paper 1 Fig. 1 and 2.2.1 rules 2 and 5; paper 2 section 3.2). The owner of
///         a slot commits its block header with EIP-712 signatures of more than half of the
///         epoch's delegates; the trades are EIP-712 orders signed by seller and buyer, committed
///         as a Merkle root whose leaves bind each order to both signatures, and published as
///         calldata. Anyone proves a missed slot, an equivocation or an invalid trade; the
///         offender is slashed (reporter's share, rest to the pool), jailed, loses credit and
///         trust, and its remaining slots pass to the next standby at once.
/// @dev Every piece of evidence is recorded by a key so the same offence is punished once, and
///      accepted only within `evidenceWindow` of its slot's end, which with a slot never exceeds the
///      vault's unbonding period: a delegate stays slashable after it leaves or starts unbonding.
///      Evidence is judged from data the contract bounds itself, against the act's author:
///      - every (epoch, slot) goes through the election's clock, which refuses `slot ≥ S`;
///      - every signature is recovered by one rule, {_signerOf}: 65 bytes, v of 27 or 28, low s
///        (what `src/ledger/signing.ts` accepts off the chain); a malformed one never counts and
///        never reverts a block;
///      - the author of a committed block or a missed slot is the slot's owner, which never changes
///        once the slot has begun (hand-overs take effect from the next slot).
contract BlockLedger is AccessControl, EIP712 {
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");

    bytes32 public constant HEADER_TYPEHASH =
        keccak256(
            "BlockHeader(uint256 epoch,uint256 slot,bytes32 parentHash,"
            "bytes32 tradeRoot,bytes32 payloadHash,uint256 tradeCount,uint256 energyTotal)"
        );
    bytes32 public constant TRADE_TYPEHASH =
        keccak256("TradeOrder(address seller,address buyer,uint256 energy,uint256 price,uint256 nonce)");
    uint256 internal constant WAD = 1e18;

    enum Offence {
        MissedSlot,
        Equivocation,
        InvalidBlock
    }

    struct BlockHeader {
        uint256 epoch;
        uint256 slot;
        bytes32 parentHash;
        bytes32 tradeRoot;
        bytes32 payloadHash; // keccak256 of the published trades (commitBlock's payload)
        uint256 tradeCount;
        uint256 energyTotal;
    }

    struct TradeOrder {
        address seller;
        address buyer;
        uint256 energy; // Wh
        uint256 price; // token units for the whole order
        uint256 nonce;
    }

    /// @notice Where a trade order stands in a committed block: the header, the hashes of the
    ///         order's two signatures (the leaf binds them) and the Merkle proof.
    struct Inclusion {
        BlockHeader header;
        bytes32 sellerSignatureHash;
        bytes32 buyerSignatureHash;
        bytes32[] proof;
    }

    /// @notice Punishment of one offence kind.
    struct Penalty {
        uint64 slashFraction; // of the deposit (bonded + unbonding), WAD
        uint64 creditPenalty; // added to ΔC− (paper 1), WAD attribute units
        uint64 jailPeriod; // seconds
    }

    struct Rewards {
        uint128 producerReward; // per committed block, at most, from the producers' pool
        uint128 attesterReward; // per attesting delegate other than the producer, at most, from the attesters' pool
        uint64 reporterShare; // of a slash, WAD
        uint64 evidenceWindow; // seconds after a slot's end
    }

    error NotSlotOwner(address caller, uint256 epoch, uint256 slot, address owner);
    /// @notice The payload is not the one the header (and so every attester) signed.
    error PayloadMismatch(bytes32 signed, bytes32 published);
    /// @notice Blocks are committed by the producer's own transaction, so the payload is readable
    ///         by everyone from the transaction's calldata.
    error NotDirectCall(address caller);
    error OutsideSlot(uint256 epoch, uint256 slot, uint256 start, uint256 end);
    error SlotAlreadyCommitted(uint256 epoch, uint256 slot);
    error WrongParent(bytes32 expected, bytes32 given);
    error NotEnoughAttestations(uint256 valid, uint256 needed);
    error ProducerDidNotSign(address producer);
    error SlotNotOver(uint256 epoch, uint256 slot, uint256 end);
    error SlotCommitted(uint256 epoch, uint256 slot);
    error NobodyScheduled(uint256 epoch, uint256 slot);
    error OwnerJailed(address owner, uint256 epoch, uint256 slot);
    error EvidenceTooOld(uint256 slotEnd, uint256 window);
    error EvidenceAlreadyUsed(bytes32 evidence);
    error NotEquivocation();
    error EpochNotStarted(uint256 epoch, uint256 currentEpoch);
    error SignerNotDelegate(address signer, uint256 epoch);
    error HeaderNotCommitted(uint256 epoch, uint256 slot);
    error TradeNotInBlock();
    error TradeIsValid();
    error NotAReplay();
    error PenaltyOutOfBounds(Offence offence);
    error RewardsOutOfBounds(string field, uint256 value);

    /// @dev The header fields and the trade payload are in the transaction's calldata.
    event BlockCommitted(
        uint256 indexed epoch,
        uint256 indexed slot,
        address indexed producer,
        bytes32 headerHash,
        address[] attesters
    );
    event OffencePunished(
        address indexed offender,
        Offence offence,
        bytes32 indexed evidence,
        address indexed reporter,
        uint256 slashed,
        bool handedOver
    );
    event CleanEpoch(address indexed delegate, uint256 indexed epoch);
    event PenaltySet(Offence offence, uint256 slashFraction, uint256 creditPenalty, uint256 jailPeriod);
    event RewardsSet(uint256 producerReward, uint256 attesterReward, uint256 reporterShare, uint256 evidenceWindow);

    NodeRegistry public immutable registry;
    StakeVault public immutable vault;
    DelegateElection public immutable election;

    /// @notice Header hash committed for (epoch, slot); zero when none.
    mapping(uint256 epoch => mapping(uint256 slot => bytes32)) public committed;
    /// @notice Hash of the latest committed header: the parent of the next block.
    bytes32 public head;
    /// @notice Blocks `delegate` produced in `epoch` (paper 1's n of eq. 5).
    mapping(uint256 epoch => mapping(address delegate => uint256)) public produced;
    /// @notice Blocks committed in `epoch` (paper 1's N_tra of eq. 5, counted per block).
    mapping(uint256 epoch => uint256) public blocksInEpoch;
    /// @notice Evidence keys already punished.
    mapping(bytes32 evidence => bool) public evidenceUsed;
    mapping(Offence => Penalty) public penalties;
    Rewards public rewards;

    constructor(
        address admin,
        NodeRegistry registry_,
        StakeVault vault_,
        DelegateElection election_,
        Penalty[3] memory penalties_,
        Rewards memory rewards_
    ) EIP712("EnergyDPoS BlockLedger", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        vault = vault_;
        election = election_;
        for (uint256 i = 0; i < 3; ++i) _setPenalty(Offence(i), penalties_[i]);
        _setRewards(rewards_);
    }

    // ------------------------------------------------------------------ blocks
    /// @notice Commit the block of slot `h.slot` of epoch `h.epoch` (its owner, during the slot),
    ///         with EIP-712 signatures of more than half of the epoch's delegates, the producer's
    ///         included; `payload` publishes the signed trades. Pays the producer and attesters.
    /// @dev The payload must hash to the signed `payloadHash` and travel in the producer's own
    ///      transaction (no contract in between): a block whose trades were attested but not
    ///      published could later be used to trap an honest producer into a provable replay.
    function commitBlock(BlockHeader calldata h, bytes[] calldata signatures, bytes calldata payload) external {
        // solhint-disable-next-line avoid-tx-origin
        if (msg.sender != tx.origin || msg.sender.code.length != 0) revert NotDirectCall(msg.sender);
        bytes32 published = keccak256(payload);
        if (published != h.payloadHash) revert PayloadMismatch(h.payloadHash, published);
        (uint256 start, uint256 end) = election.slotWindow(h.epoch, h.slot); // bounds the slot
        address owner = election.slotOwner(h.epoch, h.slot);
        if (msg.sender != owner) revert NotSlotOwner(msg.sender, h.epoch, h.slot, owner);
        if (block.timestamp < start || block.timestamp >= end) revert OutsideSlot(h.epoch, h.slot, start, end);
        if (committed[h.epoch][h.slot] != bytes32(0)) revert SlotAlreadyCommitted(h.epoch, h.slot);
        if (h.parentHash != head) revert WrongParent(head, h.parentHash);
        bytes32 digest = headerDigest(h);
        (address[] memory attesters, uint256 k) = _attestations(h.epoch, digest, signatures, owner);
        committed[h.epoch][h.slot] = digest;
        head = digest;
        blocksInEpoch[h.epoch] += 1;
        uint256 count = ++produced[h.epoch][owner];
        emit BlockCommitted(h.epoch, h.slot, owner, digest, attesters);
        _pay(owner, attesters);
        if (_lastSlotOf(h.slot, k) && count == _ownedSlots(h.epoch, h.slot, k, owner)) {
            registry.setCleanRecord(owner, true);
            emit CleanEpoch(owner, h.epoch);
        }
    }

    // ------------------------------------------------------------------ evidence
    /// @notice Prove that nobody committed slot `slot` of `epoch` by its end: its owner is punished.
    /// @dev Reverts for `slot ≥ slotsPerEpoch` (the clock's `SlotOutOfRange`).
    function reportMissedSlot(uint256 epoch, uint256 slot) external {
        (uint256 start, uint256 end) = election.slotWindow(epoch, slot);
        if (block.timestamp < end) revert SlotNotOver(epoch, slot, end);
        if (committed[epoch][slot] != bytes32(0)) revert SlotCommitted(epoch, slot);
        address owner = election.slotOwner(epoch, slot);
        if (owner == address(0)) revert NobodyScheduled(epoch, slot);
        // a node already jailed as the slot began was not meant to serve it (a set carried over
        // before anyone handed its slots on): its jail is its punishment, not a second one per slot
        (, , , , bool jailed, ) = registry.creditRecordAt(owner, start - 1);
        if (jailed) revert OwnerJailed(owner, epoch, slot);
        _punish(owner, Offence.MissedSlot, keccak256(abi.encode("missed", epoch, slot)), end);
    }

    /// @notice Prove that one delegate of epoch `a.epoch` signed two different headers for the
    ///         same (epoch, slot), as producer or attester.
    /// @dev The slot must be a slot (`< slotsPerEpoch`) of an epoch that has begun, so its list is
    ///      the one that serves it; both signatures must pass {_signerOf}.
    function reportEquivocation(
        BlockHeader calldata a,
        bytes calldata signatureA,
        BlockHeader calldata b,
        bytes calldata signatureB
    ) external {
        if (a.epoch != b.epoch || a.slot != b.slot) revert NotEquivocation();
        (, uint256 end) = election.slotWindow(a.epoch, a.slot);
        uint256 current = election.currentEpoch();
        if (a.epoch > current) revert EpochNotStarted(a.epoch, current);
        address signer = _equivocator(headerDigest(a), signatureA, headerDigest(b), signatureB);
        (address[] memory delegates, , ) = election.delegatesOf(a.epoch);
        if (!_contains(delegates, delegates.length, signer)) revert SignerNotDelegate(signer, a.epoch);
        _punish(signer, Offence.Equivocation, keccak256(abi.encode("equivocation", signer, a.epoch, a.slot)), end);
    }

    /// @notice Prove that committed block `h` holds trade `t` (with its Merkle `proof`) whose
    ///         signatures or parties are invalid: a bad seller or buyer signature, or a party that
    ///         was not admitted or was jailed when the block's slot began. The block's producer is
    ///         punished, once per block.
    function reportInvalidTrade(
        BlockHeader calldata h,
        TradeOrder calldata t,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature,
        bytes32[] calldata proof
    ) external {
        bytes32 order = tradeDigest(t);
        _requireInCommittedBlock(h, order, keccak256(sellerSignature), keccak256(buyerSignature), proof);
        uint256 end;
        {
            uint256 start;
            (start, end) = election.slotWindow(h.epoch, h.slot);
            bool valid = _signedBy(order, sellerSignature, t.seller) &&
                _signedBy(order, buyerSignature, t.buyer) &&
                _mayTrade(t.seller, start) &&
                _mayTrade(t.buyer, start);
            if (valid) revert TradeIsValid();
        }
        address producer = election.slotOwner(h.epoch, h.slot);
        _punish(producer, Offence.InvalidBlock, keccak256(abi.encode("invalid", h.epoch, h.slot)), end);
    }

    /// @notice Prove that order `order` (its EIP-712 digest), committed in block `first`, was
    ///         committed again in the later block `later`: the later block's producer is punished
    ///         for an invalid block, once per block.
    function reportReplayedTrade(bytes32 order, Inclusion calldata first, Inclusion calldata later) external {
        BlockHeader calldata a = first.header;
        BlockHeader calldata b = later.header;
        if (b.epoch < a.epoch || (b.epoch == a.epoch && b.slot <= a.slot)) revert NotAReplay();
        _requireInCommittedBlock(a, order, first.sellerSignatureHash, first.buyerSignatureHash, first.proof);
        _requireInCommittedBlock(b, order, later.sellerSignatureHash, later.buyerSignatureHash, later.proof);
        (, uint256 end) = election.slotWindow(b.epoch, b.slot);
        address producer = election.slotOwner(b.epoch, b.slot);
        _punish(producer, Offence.InvalidBlock, keccak256(abi.encode("invalid", b.epoch, b.slot)), end);
    }

    // ------------------------------------------------------------------ parameters
    /// @notice Set the punishment of `offence`: slash fraction ≤ 1, credit penalty ≤ 10, jail ≤ 365 days.
    function setPenalty(Offence offence, Penalty calldata p) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setPenalty(offence, p);
    }

    /// @notice Set block rewards, the reporter's share (≤ 1) and the evidence window
    ///         (1 slot to the vault's unbonding period).
    function setRewards(Rewards calldata r) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setRewards(r);
    }

    // ------------------------------------------------------------------ views
    /// @notice The shortest unbonding period the vault may have: evidence of an offence in a slot
    ///         is accepted until `evidenceWindow` after the slot's end, and a delegate may ask to
    ///         withdraw as the slot begins ({StakeVault.setUnbondingPeriod}).
    function minUnbondingPeriod() external view returns (uint256) {
        return _unbondingNeeded(rewards.evidenceWindow);
    }

    /// @notice EIP-712 digest of a block header, what delegates sign.
    function headerDigest(BlockHeader calldata h) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        HEADER_TYPEHASH,
                        h.epoch,
                        h.slot,
                        h.parentHash,
                        h.tradeRoot,
                        h.payloadHash,
                        h.tradeCount,
                        h.energyTotal
                    )
                )
            );
    }

    /// @notice EIP-712 digest of a trade order, what seller and buyer sign.
    function tradeDigest(TradeOrder calldata t) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(TRADE_TYPEHASH, t.seller, t.buyer, t.energy, t.price, t.nonce)));
    }

    // ------------------------------------------------------------------ internals
    function _punish(address offender, Offence offence, bytes32 evidence, uint256 slotEnd) private {
        Rewards memory r = rewards;
        if (block.timestamp > slotEnd + r.evidenceWindow) revert EvidenceTooOld(slotEnd, r.evidenceWindow);
        if (evidenceUsed[evidence]) revert EvidenceAlreadyUsed(evidence);
        evidenceUsed[evidence] = true;
        Penalty memory p = penalties[offence];
        (uint128 unbonding, ) = vault.unbonding(offender);
        uint256 stake = vault.bonded(offender) + unbonding;
        uint256 slashed = vault.slash(offender, (stake * p.slashFraction) / WAD, msg.sender, r.reporterShare);
        registry.recordOffence(offender, p.creditPenalty, p.jailPeriod);
        bool handedOver = election.onJailed(offender);
        emit OffencePunished(offender, offence, evidence, msg.sender, slashed, handedOver);
    }

    /// @dev Distinct delegates of `epoch` whose signatures over `digest` are valid; reverts unless
    ///      the producer signed and more than half of the K' delegates did (paper 1 "51 % validation").
    function _attestations(
        uint256 epoch,
        bytes32 digest,
        bytes[] calldata signatures,
        address producer
    ) private view returns (address[] memory attesters, uint256 k) {
        address[] memory delegates;
        (delegates, , k) = election.delegatesOf(epoch);
        attesters = new address[](signatures.length);
        uint256 valid;
        bool producerSigned;
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = _signerOf(digest, signatures[i]);
            // a malformed signature, a non-delegate or an exited delegate does not count (and does not
            // revert the block: one bad attestation must not make an honest producer miss its slot);
            // a repeated signer counts once
            if (
                signer == address(0) ||
                !_isDelegate(epoch, delegates, k, signer) ||
                _contains(attesters, valid, signer) ||
                !registry.isAdmitted(signer)
            ) continue;
            attesters[valid++] = signer;
            if (signer == producer) producerSigned = true;
        }
        if (!producerSigned) revert ProducerDidNotSign(producer);
        if (valid * 2 <= k) revert NotEnoughAttestations(valid, k / 2 + 1);
        assembly ("memory-safe") {
            mstore(attesters, valid)
        }
    }

    /// @dev Block rewards and the correct-action records. Paper 1 2.2.1 rule 5: the producer is paid
    ///      up to `producerReward` from the producers' share of the pool, the other attesters equally,
    ///      up to `attesterReward` each, from the attesters' share, in one call; a short share pays
    ///      what it holds ({StakeVault.accrueRewardEach}).
    function _pay(address producer, address[] memory attesters) private {
        Rewards memory r = rewards;
        vault.accrueReward(RewardRole.Producer, producer, r.producerReward);
        uint256 n = attesters.length;
        address[] memory others = new address[](n - 1); // the producer is among them once ({_attestations})
        uint256 j;
        for (uint256 i = 0; i < n; ++i) {
            registry.recordCorrectAction(attesters[i]);
            if (attesters[i] != producer) others[j++] = attesters[i];
        }
        vault.accrueRewardEach(RewardRole.Attester, others, r.attesterReward);
    }

    /// @dev Leaves bind an order to both signatures: keccak256(keccak256(abi.encode(order,
    ///      keccak256(sellerSignature), keccak256(buyerSignature)))), an OpenZeppelin merkle-tree leaf.
    function _requireInCommittedBlock(
        BlockHeader calldata h,
        bytes32 order,
        bytes32 sellerSignatureHash,
        bytes32 buyerSignatureHash,
        bytes32[] calldata proof
    ) private view {
        bytes32 digest = headerDigest(h);
        if (committed[h.epoch][h.slot] != digest) revert HeaderNotCommitted(h.epoch, h.slot);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(order, sellerSignatureHash, buyerSignatureHash))));
        if (!MerkleProof.verifyCalldata(proof, h.tradeRoot, leaf)) revert TradeNotInBlock();
    }

    function _signedBy(bytes32 digest, bytes calldata signature, address who) private pure returns (bool) {
        return who != address(0) && _signerOf(digest, signature) == who;
    }

    /// @dev The one signer of two different digests; reverts `NotEquivocation` otherwise.
    function _equivocator(
        bytes32 digestA,
        bytes calldata signatureA,
        bytes32 digestB,
        bytes calldata signatureB
    ) private pure returns (address signer) {
        signer = _signerOf(digestA, signatureA);
        if (digestA == digestB || signer == address(0) || _signerOf(digestB, signatureB) != signer) {
            revert NotEquivocation();
        }
    }

    /// @dev The one recovery rule of the ledger, mirrored by `recoverStrict` in `src/ledger/signing.ts`:
    ///      65 bytes, v of 27 or 28, s in the lower half of the curve order; zero for anything else.
    function _signerOf(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError) return address(0);
    }

    /// @dev Admitted and not jailed at the end of the second before slot start `start`: what the
    ///      producer and the attesters could check. A party jailed later does not turn an honest
    ///      block invalid after the fact (nor could a trader get itself jailed to have one punished).
    function _mayTrade(address party, uint256 start) private view returns (bool) {
        (, , , bool admitted, bool jailed, ) = registry.creditRecordAt(party, start - 1);
        return admitted && !jailed;
    }

    function _isDelegate(
        uint256 epoch,
        address[] memory delegates,
        uint256 k,
        address who
    ) private view returns (bool) {
        if (_contains(delegates, k, who)) return true;
        // a standby that took slots over attests like a delegate
        for (uint256 i = k; i < delegates.length; ++i) {
            if (delegates[i] == who) return election.standbysUsed(epoch) > i - k;
        }
        return false;
    }

    function _contains(address[] memory list, uint256 length, address who) private pure returns (bool) {
        for (uint256 i = 0; i < length; ++i) if (list[i] == who) return true;
        return false;
    }

    function _lastSlotOf(uint256 slot, uint256 k) private view returns (bool) {
        return slot + k >= election.slotsPerEpoch();
    }

    /// @dev Slots of `owner`'s delegate index up to `slot`, counted from when it took them over
    ///      (0 for the elected delegate): arithmetic, no loop over the epoch.
    function _ownedSlots(uint256 epoch, uint256 slot, uint256 k, address owner) private view returns (uint256) {
        uint256 index = slot % k;
        (address holder, uint256 fromSlot) = election.indexOwner(epoch, index);
        if (holder != owner) return type(uint256).max; // cannot match a produced count
        uint256 first = fromSlot + ((index + k - (fromSlot % k)) % k);
        return slot >= first ? (slot - first) / k + 1 : 0;
    }

    function _setPenalty(Offence offence, Penalty memory p) private {
        if (p.slashFraction > WAD || p.creditPenalty > 10 * WAD || p.jailPeriod > 365 days) {
            revert PenaltyOutOfBounds(offence);
        }
        penalties[offence] = p;
        emit PenaltySet(offence, p.slashFraction, p.creditPenalty, p.jailPeriod);
    }

    /// @dev The unbonding an evidence window of `evidenceWindow` needs: a withdrawal asked for as a
    ///      slot begins must be released after the last second its evidence is accepted (+ 1: at
    ///      that very second it would race the report).
    function _unbondingNeeded(uint256 evidenceWindow) private view returns (uint256) {
        return evidenceWindow + election.slotDuration() + 1;
    }

    function _setRewards(Rewards memory r) private {
        if (r.reporterShare > WAD) revert RewardsOutOfBounds("reporterShare", r.reporterShare);
        if (
            r.evidenceWindow < election.slotDuration() || _unbondingNeeded(r.evidenceWindow) > vault.unbondingPeriod()
        ) {
            revert RewardsOutOfBounds("evidenceWindow", r.evidenceWindow);
        }
        rewards = r;
        emit RewardsSet(r.producerReward, r.attesterReward, r.reporterShare, r.evidenceWindow);
    }
}
