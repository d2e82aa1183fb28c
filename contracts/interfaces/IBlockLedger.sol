// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystemErrors} from "./ISystemErrors.sol";
import {INodeRegistry} from "./INodeRegistry.sol";
import {IStakeVault, IUnbondingFloor} from "./IStakeVault.sol";
import {IDelegateElection} from "./IDelegateElection.sol";

/// @title IBlockLedger
/// @notice Block commitments with "51 % validation" and evidence-based punishment (SPEC.md
///         section 5; paper 1 Fig. 1 and 2.2.1 rules 2 and 5; paper 2 section 3.2). The owner of
///         a slot commits its block header with EIP-712 signatures of more than half of the
///         epoch's delegates; the trades are EIP-712 orders signed by seller and buyer, committed
///         as a Merkle root whose leaves bind each order to both signatures, and published as
///         calldata. Anyone proves a missed slot, an equivocation or an invalid trade; the
///         offender is slashed (reporter's share, rest to the pool), jailed, loses credit and
///         trust, and its remaining slots pass to the next standby at once.
interface IBlockLedger is ISystemErrors, IUnbondingFloor {
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
    error SignerNotDelegate(address signer, uint256 epoch);
    error HeaderNotCommitted(uint256 epoch, uint256 slot);
    error TradeNotInBlock();
    error TradeIsValid();
    error NotAReplay();

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

    // ------------------------------------------------------------------ blocks
    /// @notice Commit the block of slot `h.slot` of epoch `h.epoch` (its owner, during the slot),
    ///         with EIP-712 signatures of more than half of the epoch's delegates, the producer's
    ///         included; `payload` publishes the signed trades. Pays the producer and attesters.
    /// @dev The payload must hash to the signed `payloadHash` and travel in the producer's own
    ///      transaction (no contract in between): a block whose trades were attested but not
    ///      published could later be used to trap an honest producer into a provable replay.
    function commitBlock(BlockHeader calldata h, bytes[] calldata signatures, bytes calldata payload) external;

    // ------------------------------------------------------------------ evidence
    /// @notice Prove that nobody committed slot `slot` of `epoch` by its end: its owner is punished.
    /// @dev Reverts for `slot ≥ slotsPerEpoch` (the clock's `IndexOutOfRange("slot", …)`).
    function reportMissedSlot(uint256 epoch, uint256 slot) external;

    /// @notice Prove that one delegate of epoch `a.epoch` signed two different headers for the
    ///         same (epoch, slot), as producer or attester.
    /// @dev The slot must be a slot (`< slotsPerEpoch`) of an epoch that has begun, so its list is
    ///      the one that serves it; both signatures must pass the ledger's one recovery rule.
    function reportEquivocation(
        BlockHeader calldata a,
        bytes calldata signatureA,
        BlockHeader calldata b,
        bytes calldata signatureB
    ) external;

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
    ) external;

    /// @notice Prove that order `order` (its EIP-712 digest), committed in block `first`, was
    ///         committed again in the later block `later`: the later block's producer is punished
    ///         for an invalid block, once per block.
    function reportReplayedTrade(bytes32 order, Inclusion calldata first, Inclusion calldata later) external;

    // ------------------------------------------------------------------ parameters
    /// @notice Set the punishment of `offence`: slash fraction ≤ 1, credit penalty ≤ 10, jail ≤ 365 days.
    function setPenalty(Offence offence, Penalty calldata p) external;

    /// @notice Set block rewards, the reporter's share (≤ 1) and the evidence window
    ///         (1 slot to the vault's unbonding period).
    function setRewards(Rewards calldata r) external;

    // ------------------------------------------------------------------ views
    /// @notice The registry whose nodes are punished and rewarded.
    function registry() external view returns (INodeRegistry);

    /// @notice The vault that pays rewards and takes slashes.
    function vault() external view returns (IStakeVault);

    /// @notice The election whose schedule says who owns each slot.
    function election() external view returns (IDelegateElection);

    /// @notice Header hash committed for (epoch, slot); zero when none.
    function committed(uint256 epoch, uint256 slot) external view returns (bytes32);

    /// @notice Hash of the latest committed header: the parent of the next block.
    function head() external view returns (bytes32);

    /// @notice Blocks `delegate` produced in `epoch` (paper 1's n of eq. 5).
    function produced(uint256 epoch, address delegate) external view returns (uint256);

    /// @notice Blocks committed in `epoch` (paper 1's N_tra of eq. 5, counted per block).
    function blocksInEpoch(uint256 epoch) external view returns (uint256);

    /// @notice Whether evidence key `evidence` was already punished.
    function evidenceUsed(bytes32 evidence) external view returns (bool);

    /// @notice The punishment of `offence`.
    function penalties(
        Offence offence
    ) external view returns (uint64 slashFraction, uint64 creditPenalty, uint64 jailPeriod);

    /// @notice Block rewards, the reporter's share and the evidence window.
    function rewards()
        external
        view
        returns (uint128 producerReward, uint128 attesterReward, uint64 reporterShare, uint64 evidenceWindow);

    /// @notice EIP-712 digest of a block header, what delegates sign.
    function headerDigest(BlockHeader calldata h) external view returns (bytes32);

    /// @notice EIP-712 digest of a trade order, what seller and buyer sign.
    function tradeDigest(TradeOrder calldata t) external view returns (bytes32);
}
