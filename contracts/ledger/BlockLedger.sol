// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IBlockLedger} from "../interfaces/IBlockLedger.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IStakeVault, RewardRole} from "../interfaces/IStakeVault.sol";
import {IDelegateElection} from "../interfaces/IDelegateElection.sol";

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
contract BlockLedger is IBlockLedger, AccessControl, EIP712 {
    bytes32 public constant PARAMETER_ADMIN_ROLE = keccak256("PARAMETER_ADMIN_ROLE");

    bytes32 public constant HEADER_TYPEHASH =
        keccak256(
            "BlockHeader(uint256 epoch,uint256 slot,bytes32 parentHash,"
            "bytes32 tradeRoot,bytes32 payloadHash,uint256 tradeCount,uint256 energyTotal)"
        );
    bytes32 public constant TRADE_TYPEHASH =
        keccak256("TradeOrder(address seller,address buyer,uint256 energy,uint256 price,uint256 nonce)");
    uint256 internal constant WAD = 1e18;

    /// @inheritdoc IBlockLedger
    INodeRegistry public immutable registry;
    /// @inheritdoc IBlockLedger
    IStakeVault public immutable vault;
    /// @inheritdoc IBlockLedger
    IDelegateElection public immutable election;

    /// @inheritdoc IBlockLedger
    mapping(uint256 epoch => mapping(uint256 slot => bytes32)) public committed;
    /// @inheritdoc IBlockLedger
    bytes32 public head;
    /// @inheritdoc IBlockLedger
    mapping(uint256 epoch => mapping(address delegate => uint256)) public produced;
    /// @inheritdoc IBlockLedger
    mapping(uint256 epoch => uint256) public blocksInEpoch;
    /// @inheritdoc IBlockLedger
    mapping(bytes32 evidence => bool) public evidenceUsed;
    /// @inheritdoc IBlockLedger
    mapping(Offence => Penalty) public penalties;
    /// @inheritdoc IBlockLedger
    Rewards public rewards;

    constructor(
        address admin,
        INodeRegistry registry_,
        IStakeVault vault_,
        IDelegateElection election_,
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
    /// @inheritdoc IBlockLedger
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
    /// @inheritdoc IBlockLedger
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

    /// @inheritdoc IBlockLedger
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

    /// @inheritdoc IBlockLedger
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

    /// @inheritdoc IBlockLedger
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
    /// @inheritdoc IBlockLedger
    function setPenalty(Offence offence, Penalty calldata p) external onlyRole(PARAMETER_ADMIN_ROLE) {
        _setPenalty(offence, p);
    }

    /// @inheritdoc IBlockLedger
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

    /// @inheritdoc IBlockLedger
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

    /// @inheritdoc IBlockLedger
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
    ///      what it holds ({IStakeVault.accrueRewardEach}).
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
        if (p.slashFraction > WAD) revert OutOfRange("slashFraction", p.slashFraction, 0, WAD);
        if (p.creditPenalty > 10 * WAD) revert OutOfRange("creditPenalty", p.creditPenalty, 0, 10 * WAD);
        if (p.jailPeriod > 365 days) revert OutOfRange("jailPeriod", p.jailPeriod, 0, 365 days);
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
        if (r.reporterShare > WAD) revert OutOfRange("reporterShare", r.reporterShare, 0, WAD);
        uint256 slot = election.slotDuration();
        uint256 unbonding = vault.unbondingPeriod();
        if (r.evidenceWindow < slot || _unbondingNeeded(r.evidenceWindow) > unbonding) {
            // the longest window whose unbonding fits: unbonding − slot − 1 (none when that is below a slot)
            revert OutOfRange("evidenceWindow", r.evidenceWindow, slot, unbonding > slot ? unbonding - slot - 1 : 0);
        }
        rewards = r;
        emit RewardsSet(r.producerReward, r.attesterReward, r.reporterShare, r.evidenceWindow);
    }
}
